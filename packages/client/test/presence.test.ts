import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scriptedClient } from './scripted-client.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 3_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

const meta = (ref: string, fields: Record<string, unknown> = {}) => ({ phx_ref: ref, ...fields });

describe('presence (R4.3)', () => {
  it('R4.3 applies presence_state then diffs like Phoenix Presence, with sync/join/leave callbacks', async () => {
    const { client, connectOpen, joinOk } = scriptedClient();
    const socket = await connectOpen();
    const channel = await joinOk('wedding:5', socket, { presence: { key: 'me' } });
    const events: string[] = [];
    channel.onPresence('sync', () => events.push('sync'));
    channel.onPresence('join', (key, current, joined) => events.push(`join ${key} ${current.length}+${joined.length}`));
    channel.onPresence('leave', (key, current, left) => events.push(`leave ${key} ${current.length}-${left.length}`));
    const frame = (event: string, payload: unknown) =>
      socket.receive({ joinRef: null, ref: null, topic: 'wedding:5', event, payload });
    frame('presence_state', { anna: { metas: [meta('a1', { status: 'active' })] } });
    frame('presence_diff', {
      joins: { anna: { metas: [meta('a2', { status: 'idle' })] }, ben: { metas: [meta('b1')] } },
      leaves: {},
    });
    expect(channel.presenceState()).toEqual({
      anna: [
        { status: 'active', presence_ref: 'a1' },
        { status: 'idle', presence_ref: 'a2' },
      ],
      ben: [{ presence_ref: 'b1' }],
    });
    frame('presence_diff', { joins: {}, leaves: { anna: { metas: [meta('a1')] }, ben: { metas: [meta('b1')] } } });
    expect(channel.presenceState()).toEqual({ anna: [{ status: 'idle', presence_ref: 'a2' }] });
    expect(events).toEqual([
      'join anna 0+1',
      'sync',
      'join anna 1+1',
      'join ben 0+1',
      'sync',
      'leave anna 2-1',
      'leave ben 1-1',
      'sync',
    ]);
    await client.close();
  });

  it('R4.3 diffs that arrive before the state of the current join wait for it', async () => {
    const { client, connectOpen, joinOk } = scriptedClient();
    const socket = await connectOpen();
    const channel = await joinOk('wedding:6', socket, { presence: { key: 'me' } });
    const frame = (event: string, payload: unknown) =>
      socket.receive({ joinRef: null, ref: null, topic: 'wedding:6', event, payload });
    frame('presence_diff', { joins: { cleo: { metas: [meta('c1')] } }, leaves: {} });
    expect(channel.presenceState()).toEqual({});
    frame('presence_state', { dan: { metas: [meta('d1')] } });
    expect(Object.keys(channel.presenceState()).sort()).toEqual(['cleo', 'dan']);
    await client.close();
  });

  it('R4.3 a rejoin replaces the state: who left meanwhile is reported as a leave', async () => {
    const { client, ws, connectOpen, joinOk, settle } = scriptedClient({ random: () => 0 });
    const socket = await connectOpen();
    const channel = await joinOk('wedding:7', socket, { presence: { key: 'me' } });
    const left: string[] = [];
    channel.onPresence('leave', (key) => left.push(key));
    socket.receive({
      joinRef: null,
      ref: null,
      topic: 'wedding:7',
      event: 'presence_state',
      payload: { eve: { metas: [meta('e1')] }, fay: { metas: [meta('f1')] } },
    });
    socket.serverClose(1006);
    await settle();
    ws.last().open();
    ws.last().reply({ topic: 'wedding:7', event: 'phx_join' }, 'ok');
    ws.last().receive({
      joinRef: channel.joinRef,
      ref: null,
      topic: 'wedding:7',
      event: 'presence_state',
      payload: { fay: { metas: [meta('f1')] } },
    });
    expect(left).toEqual(['eve']);
    expect(Object.keys(channel.presenceState())).toEqual(['fay']);
    await client.close();
  });

  it('R4.3 track() is state: sent after the join, re-sent after every rejoin; setStatus re-tracks with status', async () => {
    const { client, ws, connectOpen, settle } = scriptedClient({ random: () => 0 });
    const channel = client.channel('supplier:8', { presence: { key: 'user-1' } });
    const joined = channel.join();
    let tracked = false;
    const tracking = channel.track({ name: 'Ann', status: 'active' }).then(() => {
      tracked = true;
    });
    const socket = await connectOpen();
    await settle();
    socket.reply({ topic: 'supplier:8', event: 'phx_join' }, 'ok');
    await joined;
    const track = socket.lastSent({ topic: 'supplier:8', event: 'presence' });
    expect(track.payload).toEqual({ type: 'presence', event: 'track', payload: { name: 'Ann', status: 'active' } });
    expect(tracked).toBe(false);
    socket.reply({ topic: 'supplier:8', event: 'presence' }, 'ok');
    await tracking;
    const idle = channel.setStatus('idle');
    expect(socket.lastSent({ topic: 'supplier:8', event: 'presence' }).payload).toMatchObject({
      payload: { name: 'Ann', status: 'idle' },
    });
    socket.reply({ topic: 'supplier:8', event: 'presence' }, 'ok');
    await idle;
    socket.serverClose(1006);
    await settle();
    ws.last().open();
    ws.last().reply({ topic: 'supplier:8', event: 'phx_join' }, 'ok');
    expect(ws.last().sentEvents('supplier:8')).toEqual(['phx_join', 'presence']);
    expect(ws.last().lastSent({ topic: 'supplier:8', event: 'presence' }).payload).toMatchObject({
      event: 'track',
      payload: { status: 'idle' },
    });
    ws.last().reply({ topic: 'supplier:8', event: 'presence' }, 'ok');
    const untracked = channel.untrack();
    expect(ws.last().lastSent({ topic: 'supplier:8', event: 'presence' }).payload).toEqual({
      type: 'presence',
      event: 'untrack',
    });
    ws.last().reply({ topic: 'supplier:8', event: 'presence' }, 'ok');
    await untracked;
    expect(channel.trackedPresence).toBeNull();
    await client.close();
  });

  it('R4.3 presence is enabled in the join only when configured, listened to or tracked', async () => {
    const { client, connectOpen, joinOk } = scriptedClient();
    const socket = await connectOpen();
    await joinOk('form:10', socket);
    expect(socket.lastSent({ topic: 'form:10', event: 'phx_join' }).payload).toMatchObject({
      config: { presence: { enabled: false } },
    });
    const listened = client.channel('form:11');
    listened.onPresence('sync', () => undefined);
    await joinOk('form:11', socket);
    expect(socket.lastSent({ topic: 'form:11', event: 'phx_join' }).payload).toMatchObject({
      config: { presence: { enabled: true } },
    });
    await client.close();
  });
});
