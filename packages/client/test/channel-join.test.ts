import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeError } from '../src/index.ts';
import { scriptedClient } from './scripted-client.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 2_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof RealtimeError ? error.code : `not a RealtimeError: ${String(error)}`),
  );

describe('channel join and rejoin (R2.2, R2.3)', () => {
  it('R2.3 sends the join config (broadcast, presence, sync + hook) and the token; resolves with the reply', async () => {
    const { client, connectOpen, settle } = scriptedClient({ token: 'jwt-1' });
    const socket = await connectOpen();
    const channel = client.channel('wedding:42', {
      broadcast: { self: true, ack: true },
      presence: { key: 'user-1' },
      sync: { snapshot: true },
      getJoinPayload: () => ({ sync: { since: 17 } }),
    });
    const joined = channel.join();
    await settle();
    const join = socket.lastSent({ topic: 'wedding:42', event: 'phx_join' });
    expect(join.joinRef).toBe(join.ref);
    expect(join.payload).toEqual({
      config: {
        broadcast: { self: true, ack: true },
        presence: { key: 'user-1', enabled: true },
        private: false,
        sync: { snapshot: true, since: 17 },
      },
      access_token: 'jwt-1',
    });
    socket.reply({ topic: 'wedding:42', event: 'phx_join' }, 'ok', { postgres_changes: [] });
    await expect(joined).resolves.toEqual({ postgres_changes: [] });
    expect(channel.state).toBe('joined');
    await client.close();
  });

  it('R2.2 a refused join rejects with the server code and closes the channel without retrying', async () => {
    const { client, connectOpen, settle } = scriptedClient();
    const socket = await connectOpen();
    const channel = client.channel('supplier:2');
    const outcome = channel.join().catch((error: RealtimeError) => error);
    await settle();
    socket.reply({ topic: 'supplier:2', event: 'phx_join' }, 'error', {
      reason: 'FORBIDDEN: Not a member of supplier 2',
      role: 'viewer',
    });
    const error = await outcome;
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({
      code: 'FORBIDDEN',
      message: 'Not a member of supplier 2',
      details: { role: 'viewer' },
    });
    expect(channel).toMatchObject({ state: 'closed', reason: 'FORBIDDEN' });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(socket.sentEvents('supplier:2')).toEqual(['phx_join']);
    await client.close();
  });

  it('R15.1 a retryable refusal or a join timeout rejects the first join() and rejoins with backoff', async () => {
    const { client, connectOpen, settle } = scriptedClient({
      random: () => 0.5,
      pushTimeoutMs: 5_000,
      heartbeatIntervalMs: 600_000,
    });
    const socket = await connectOpen();
    const channel = client.channel('supplier:3');
    const first = codeOf(channel.join());
    await settle();
    socket.reply({ topic: 'supplier:3', event: 'phx_join' }, 'error', { reason: 'RATE_LIMITED: slow down' });
    expect(await first).toBe('RATE_LIMITED');
    expect(channel).toMatchObject({ state: 'errored', reason: 'RATE_LIMITED' });
    await vi.advanceTimersByTimeAsync(499);
    expect(socket.sentEvents('supplier:3')).toEqual(['phx_join']);
    await vi.advanceTimersByTimeAsync(1);
    expect(socket.sentEvents('supplier:3')).toEqual(['phx_join', 'phx_join']);
    // No reply at all: TIMEOUT after pushTimeoutMs, then another rejoin.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(channel).toMatchObject({ state: 'errored', reason: 'TIMEOUT' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(socket.sentEvents('supplier:3')).toHaveLength(3);
    socket.reply({ topic: 'supplier:3', event: 'phx_join' }, 'ok');
    expect(channel.state).toBe('joined');
    await client.close();
  });

  it('R11.2 after a reconnect every wanted channel rejoins, calling getJoinPayload again', async () => {
    let lastSeq = 5;
    const { client, ws, connectOpen, joinOk, settle } = scriptedClient({ random: () => 0 });
    const socket = await connectOpen();
    const channel = await joinOk('couple:7', socket, { getJoinPayload: () => ({ sync: { since: lastSeq } }) });
    lastSeq = 9;
    socket.serverClose(1006);
    expect(channel.state).toBe('errored');
    await settle();
    ws.last().open();
    const rejoin = ws.last().lastSent({ topic: 'couple:7', event: 'phx_join' });
    expect(rejoin.payload).toMatchObject({ config: { sync: { since: 9 } } });
    ws.last().reply({ topic: 'couple:7', event: 'phx_join' }, 'ok');
    expect(channel.state).toBe('joined');
    await client.close();
  });

  it('R11.1 pushes made before the join wait and go out in order after it; overflow rejects PUSH_BUFFER_FULL', async () => {
    const { client, connectOpen, settle } = scriptedClient({ maxBufferedPushes: 3 });
    const channel = client.channel('form:1');
    const joined = channel.join();
    const first = channel.push('a', { n: 1 });
    const second = codeOf(channel.push('b', { n: 2 }));
    const third = codeOf(channel.push('c', { n: 3 }));
    const overflow = codeOf(channel.push('d', { n: 4 }));
    expect(await overflow).toBe('PUSH_BUFFER_FULL');
    const socket = await connectOpen();
    await settle();
    expect(socket.sentEvents('form:1')).toEqual(['phx_join']);
    socket.reply({ topic: 'form:1', event: 'phx_join' }, 'ok');
    await joined;
    expect(socket.sentEvents('form:1')).toEqual(['phx_join', 'a', 'b', 'c']);
    const joinRef = channel.joinRef;
    expect(socket.sent.filter((frame) => frame.topic === 'form:1').every((frame) => frame.joinRef === joinRef)).toBe(
      true,
    );
    socket.reply({ topic: 'form:1', event: 'a' }, 'ok', { applied: 1 });
    socket.reply({ topic: 'form:1', event: 'b' }, 'error', { reason: 'VALIDATION_FAILED: bad field' });
    expect(await first).toEqual({ applied: 1 });
    expect(await second).toBe('VALIDATION_FAILED');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await third).toBe('TIMEOUT');
    await client.close();
  });

  it('R2.2 a server close after a system error ends the channel with that code; later pushes reject CHANNEL_CLOSED', async () => {
    const { client, connectOpen, joinOk } = scriptedClient();
    const socket = await connectOpen();
    const channel = await joinOk('supplier:4', socket);
    const pending = codeOf(channel.push('sync_snapshot', {}));
    const joinRef = channel.joinRef;
    socket.receive({
      joinRef,
      ref: null,
      topic: 'supplier:4',
      event: 'system',
      payload: { extension: 'system', status: 'error', message: 'RIGHTS_REVOKED: removed from team' },
    });
    socket.receive({ joinRef, ref: joinRef, topic: 'supplier:4', event: 'phx_close', payload: {} });
    expect(channel).toMatchObject({ state: 'closed', reason: 'RIGHTS_REVOKED' });
    expect(await pending).toBe('RIGHTS_REVOKED');
    expect(await codeOf(channel.push('x', {}))).toBe('CHANNEL_CLOSED');
    await client.close();
  });

  it('R2.2 frames of an older join are dropped; handlers get current ones; a throwing handler does not stop others', async () => {
    const { client, connectOpen, joinOk, errors } = scriptedClient();
    const socket = await connectOpen();
    const channel = await joinOk('wedding:1', socket);
    const seen: unknown[] = [];
    channel.on('sync_changes', () => {
      throw new Error('app bug');
    });
    const off = channel.on('sync_changes', (payload) => seen.push(payload));
    socket.receive({ joinRef: 'stale', ref: null, topic: 'wedding:1', event: 'sync_changes', payload: { n: 0 } });
    socket.receive({
      joinRef: channel.joinRef,
      ref: null,
      topic: 'wedding:1',
      event: 'sync_changes',
      payload: { n: 1 },
    });
    socket.receive({ joinRef: null, ref: null, topic: 'wedding:1', event: 'sync_changes', payload: { n: 2 } });
    off();
    socket.receive({ joinRef: null, ref: null, topic: 'wedding:1', event: 'sync_changes', payload: { n: 3 } });
    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
    expect(errors).toHaveLength(3);
    await client.close();
  });

  it('R4.3 broadcast without ack resolves once written; with ack on the reply; onBroadcast filters by event', async () => {
    const { client, connectOpen, joinOk, settle } = scriptedClient();
    const socket = await connectOpen();
    const plain = await joinOk('form:2', socket);
    const acked = await joinOk('form:3', socket, { broadcast: { ack: true } });
    await plain.broadcast('cursor', { x: 1 });
    expect(socket.lastSent({ topic: 'form:2', event: 'broadcast' }).payload).toEqual({
      type: 'broadcast',
      event: 'cursor',
      payload: { x: 1 },
    });
    let ackResolved = false;
    const ack = acked.broadcast('typing', { field: 3 }).then(() => {
      ackResolved = true;
    });
    await settle();
    expect(ackResolved).toBe(false);
    socket.reply({ topic: 'form:3', event: 'broadcast' }, 'ok');
    await ack;
    const cursors: unknown[] = [];
    plain.onBroadcast('cursor', (payload, message) => cursors.push({ payload, message }));
    socket.receive({
      joinRef: null,
      ref: null,
      topic: 'form:2',
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'typing', payload: {} },
    });
    socket.receive({
      joinRef: null,
      ref: null,
      topic: 'form:2',
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'cursor', payload: { x: 2 }, meta: { id: 'm1' } },
    });
    expect(cursors).toEqual([{ payload: { x: 2 }, message: { event: 'cursor', meta: { id: 'm1' } } }]);
    await client.close();
  });

  it('R2.4 leave() sends phx_leave, resolves on its reply and stops delivery', async () => {
    const { client, connectOpen, joinOk } = scriptedClient();
    const socket = await connectOpen();
    const channel = await joinOk('form:4', socket);
    const seen: unknown[] = [];
    channel.on('*', (payload) => seen.push(payload));
    const left = channel.leave();
    expect(channel.state).toBe('leaving');
    socket.reply({ topic: 'form:4', event: 'phx_leave' }, 'ok');
    await left;
    expect(channel).toMatchObject({ state: 'closed', joinRef: null });
    socket.receive({ joinRef: null, ref: null, topic: 'form:4', event: 'anything', payload: {} });
    expect(seen).toEqual([]);
    await client.close();
  });
});
