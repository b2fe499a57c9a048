import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeError } from '../src/index.ts';
import { scriptedClient } from './scripted-client.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 4_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

const MINUTE = 60_000;

describe('subscription limit and idle eviction (R2.3, R2.4)', () => {
  it('R2.4 a channel unused for idleChannelEvictMs is left; pushes and delivered events count as use', async () => {
    const { client, connectOpen, joinOk } = scriptedClient({ heartbeatIntervalMs: 10 * MINUTE });
    const socket = await connectOpen();
    const quiet = await joinOk('form:1', socket);
    const busy = await joinOk('form:2', socket);
    const listened = await joinOk('form:3', socket);
    listened.on('sync_changes', () => undefined);
    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    void busy.push('ping', {}).catch(() => undefined);
    socket.receive({ joinRef: null, ref: null, topic: 'form:3', event: 'sync_changes', payload: {} });
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(quiet).toMatchObject({ state: 'leaving', reason: 'IDLE' });
    expect(busy.state).toBe('joined');
    expect(listened.state).toBe('joined');
    socket.reply({ topic: 'form:1', event: 'phx_leave' }, 'ok');
    expect(quiet).toMatchObject({ state: 'closed', reason: 'IDLE' });
    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    expect(busy.state).toBe('leaving');
    expect(listened.state).toBe('leaving');
    await client.close();
  });

  it('R2.4 using an evicted channel joins it again: the push goes out after the new join', async () => {
    const { client, connectOpen, joinOk, settle } = scriptedClient({ heartbeatIntervalMs: 10 * MINUTE });
    const socket = await connectOpen();
    const channel = await joinOk('form:5', socket);
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    socket.reply({ topic: 'form:5', event: 'phx_leave' }, 'ok');
    expect(channel).toMatchObject({ state: 'closed', reason: 'IDLE' });
    const reply = channel.push('sync_snapshot', { n: 1 });
    expect(channel.state).toBe('joining');
    await settle();
    expect(socket.sentEvents('form:5')).toEqual(['phx_join', 'phx_leave', 'phx_join']);
    socket.reply({ topic: 'form:5', event: 'phx_join' }, 'ok');
    expect(socket.sentEvents('form:5').at(-1)).toBe('sync_snapshot');
    socket.reply({ topic: 'form:5', event: 'sync_snapshot' }, 'ok', { records: [] });
    expect(await reply).toEqual({ records: [] });
    // A channel the app left itself is not revived.
    const left = channel.leave();
    socket.reply({ topic: 'form:5', event: 'phx_leave' }, 'ok');
    await left;
    await expect(channel.push('x', {})).rejects.toMatchObject({ code: 'CHANNEL_CLOSED' });
    await client.close();
  });

  it('R2.3 channels held by a scope are never left for idleness; dispose() leaves them', async () => {
    const { client, connectOpen, settle } = scriptedClient({ heartbeatIntervalMs: 60 * MINUTE });
    const socket = await connectOpen();
    const scope = client.autoSubscribe(['supplier:1', 'supplier:1:team']);
    await settle();
    socket.reply({ topic: 'supplier:1', event: 'phx_join' }, 'ok');
    socket.reply({ topic: 'supplier:1:team', event: 'phx_join' }, 'ok');
    const outcomes = await scope.ready;
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    expect(scope.channels.map((channel) => channel.state)).toEqual(['joined', 'joined']);
    const disposed = scope.dispose();
    expect(socket.sentEvents('supplier:1')).toEqual(['phx_join', 'phx_leave']);
    socket.reply({ topic: 'supplier:1', event: 'phx_leave' }, 'ok');
    socket.reply({ topic: 'supplier:1:team', event: 'phx_leave' }, 'ok');
    await disposed;
    expect(scope.channels.map((channel) => channel.reason)).toEqual(['RELEASED', 'RELEASED']);
    await client.close();
  });

  it('R2.3 overlapping scopes share a channel: it stays joined until the last holder is gone; linger keeps it', async () => {
    const { client, connectOpen, settle } = scriptedClient({ heartbeatIntervalMs: 60 * MINUTE });
    const socket = await connectOpen();
    const primary = client.subscriptionScope(['couple:1']);
    const viewing = client.subscriptionScope(['couple:1', 'couple:1:tasks'], { linger: true });
    await settle();
    expect(socket.sentEvents('couple:1')).toEqual(['phx_join']);
    socket.reply({ topic: 'couple:1', event: 'phx_join' }, 'ok');
    socket.reply({ topic: 'couple:1:tasks', event: 'phx_join' }, 'ok');
    await viewing.ready;
    await viewing.dispose();
    expect(client.channel('couple:1').state).toBe('joined');
    expect(client.channel('couple:1:tasks').state).toBe('joined');
    // Lingering, unheld: idle eviction takes it later.
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(client.channel('couple:1:tasks')).toMatchObject({ state: 'leaving', reason: 'IDLE' });
    expect(client.channel('couple:1').state).toBe('joined');
    const released = primary.dispose();
    socket.reply({ topic: 'couple:1', event: 'phx_leave' }, 'ok');
    await released;
    expect(client.channel('couple:1')).toMatchObject({ state: 'closed', reason: 'RELEASED' });
    await client.close();
  });

  it('R2.4 joining beyond maxChannels evicts the least recently used idle channel first (leave before join)', async () => {
    const { client, connectOpen, joinOk, settle } = scriptedClient({ maxChannels: 3 });
    const socket = await connectOpen();
    const first = await joinOk('form:1', socket);
    await vi.advanceTimersByTimeAsync(1_000);
    const second = await joinOk('form:2', socket);
    await vi.advanceTimersByTimeAsync(1_000);
    await joinOk('form:3', socket);
    await vi.advanceTimersByTimeAsync(1_000);
    void first.push('ping', {}).catch(() => undefined);
    const fourth = client.channel('form:4').join();
    await settle();
    expect(second).toMatchObject({ state: 'leaving', reason: 'EVICTED' });
    const order = socket.sent.filter(
      (frame) => frame.event === 'phx_leave' || (frame.event === 'phx_join' && frame.topic === 'form:4'),
    );
    expect(order.map((frame) => `${frame.event} ${frame.topic}`)).toEqual(['phx_leave form:2', 'phx_join form:4']);
    socket.reply({ topic: 'form:4', event: 'phx_join' }, 'ok');
    await fourth;
    expect(client.channels().filter((channel) => channel.wantsJoined)).toHaveLength(3);
    await client.close();
  });

  it('R2.4 refuses the join locally with SUBSCRIPTION_LIMIT when every channel is held by a scope', async () => {
    const { client, connectOpen, settle } = scriptedClient({ maxChannels: 2 });
    const socket = await connectOpen();
    const scope = client.autoSubscribe(['form:1', 'form:2']);
    await settle();
    const refused = await client
      .channel('form:3')
      .join()
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RealtimeError);
    expect((refused as RealtimeError).code).toBe('SUBSCRIPTION_LIMIT');
    expect(client.channel('form:3').state).toBe('closed');
    expect(socket.sentEvents('form:3')).toEqual([]);
    await scope.dispose();
    await client.close();
  });
});
