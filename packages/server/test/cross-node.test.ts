import { afterEach, describe, expect, it } from 'vitest';
import { type InProcessBus, InProcessBusHub } from '../src/index.ts';
import { Harness, type PhxClient, signToken, until } from './engine-harness.ts';

const harness = new Harness();
afterEach(() => harness.dispose());

const TOPIC = 'realtime:wedding:w1';

/** The presence keys a client currently sees: its last presence_state with every later diff applied, like realtime-js. */
function presenceKeys(client: PhxClient): string[] {
  const refs = new Map<string, Set<string>>();
  let synced = false;
  for (const frame of client.frames) {
    if (frame.topic !== TOPIC) continue;
    if (frame.event === 'presence_state') {
      synced = true;
      refs.clear();
      for (const [key, { metas }] of Object.entries<{ metas: Array<{ phx_ref: string }> }>(frame.payload)) {
        refs.set(key, new Set(metas.map((meta) => meta.phx_ref)));
      }
    } else if (frame.event === 'presence_diff' && synced) {
      for (const [key, { metas }] of Object.entries<{ metas: Array<{ phx_ref: string }> }>(frame.payload.joins)) {
        const set = refs.get(key) ?? new Set();
        for (const meta of metas) set.add(meta.phx_ref);
        refs.set(key, set);
      }
      for (const [key, { metas }] of Object.entries<{ metas: Array<{ phx_ref: string }> }>(frame.payload.leaves)) {
        for (const meta of metas) refs.get(key)?.delete(meta.phx_ref);
        if (refs.get(key)?.size === 0) refs.delete(key);
      }
    }
  }
  return [...refs.keys()].sort();
}

async function threeNodes(presenceHeartbeatMs = 5_000, presenceTtlMs?: number) {
  const hub = new InProcessBusHub();
  const buses: InProcessBus[] = ['a', 'b', 'c'].map((name) => hub.createBus(`node-${name}`));
  const nodes = [];
  for (const bus of buses) nodes.push(await harness.start({ bus, presenceHeartbeatMs, presenceTtlMs }));
  const names = ['ann', 'bob', 'cat'];
  const clients = [];
  for (const [index, node] of nodes.entries()) {
    const client = await harness.connect(node.wsUrl, { token: await signToken(names[index]!) });
    const { joinRef } = await client.join(TOPIC, { config: { presence: { key: names[index], enabled: true } } });
    clients.push({ client, joinRef: joinRef! });
  }
  return { hub, buses, nodes, clients };
}

describe('R3/R4.3 several nodes over one bus', () => {
  it('R3 a broadcast and a server push reach members on all three nodes exactly once', async () => {
    const { nodes, clients } = await threeNodes();
    const [a, b, c] = clients.map(({ client }) => client) as [PhxClient, PhxClient, PhxClient];
    const atB = b.waitForEvent(TOPIC, 'broadcast');
    const atC = c.waitForEvent(TOPIC, 'broadcast');
    a.sendFrame(clients[0]!.joinRef, a.nextRef(), TOPIC, 'broadcast', {
      type: 'broadcast',
      event: 'hello',
      payload: { from: 'a' },
    });
    expect((await atB).payload.payload).toEqual({ from: 'a' });
    expect((await atC).payload.payload).toEqual({ from: 'a' });

    const pushes = [a, b, c].map((client) => client.waitForEvent(TOPIC, 'sync_hint'));
    await nodes[1]!.server.publishToTopic('wedding:w1', 'sync_hint', { seq: 42 });
    for (const push of pushes) expect((await push).payload).toEqual({ seq: 42 });
    for (const client of [a, b, c]) expect((await client.heartbeat()).payload.status).toBe('ok');
    expect(b.frames.filter((frame) => frame.event === 'broadcast')).toHaveLength(1);
    expect(c.frames.filter((frame) => frame.event === 'broadcast')).toHaveLength(1);
    expect(a.frames.filter((frame) => frame.event === 'broadcast')).toHaveLength(0);
  });

  it('R4.3 presence is one consistent view on every node, including a late joiner', async () => {
    const { nodes, clients } = await threeNodes();
    for (const { client, joinRef } of clients)
      await client.push(
        TOPIC,
        'presence',
        { type: 'presence', event: 'track', payload: { status: 'active' } },
        joinRef,
      );
    for (const { client } of clients) await until(() => presenceKeys(client).join() === 'ann,bob,cat');

    const late = await harness.connect(nodes[2]!.wsUrl, { token: await signToken('dan') });
    await late.join(TOPIC, { config: { presence: { key: 'dan', enabled: true } } });
    await until(() => presenceKeys(late).join() === 'ann,bob,cat');

    clients[1]!.client.terminate();
    for (const client of [clients[0]!.client, clients[2]!.client, late])
      await until(() => presenceKeys(client).join() === 'ann,cat');
  });

  it('R4.3 a node that stops heartbeating has its members removed within the TTL (no ghosts) and restored on return', async () => {
    const presenceHeartbeatMs = 40;
    const presenceTtlMs = 120;
    const { buses, clients } = await threeNodes(presenceHeartbeatMs, presenceTtlMs);
    for (const { client, joinRef } of clients)
      await client.push(
        TOPIC,
        'presence',
        { type: 'presence', event: 'track', payload: { status: 'active' } },
        joinRef,
      );
    for (const { client } of clients) await until(() => presenceKeys(client).join() === 'ann,bob,cat');

    const cutAt = Date.now();
    buses[2]!.setDetached(true);
    const [a, b] = [clients[0]!.client, clients[1]!.client];
    await until(() => presenceKeys(a).join() === 'ann,bob' && presenceKeys(b).join() === 'ann,bob');
    const goneAfterMs = Date.now() - cutAt;
    expect(goneAfterMs).toBeLessThan(presenceTtlMs + 2 * presenceHeartbeatMs + 500);

    buses[2]!.setDetached(false);
    await until(() => presenceKeys(a).join() === 'ann,bob,cat' && presenceKeys(b).join() === 'ann,bob,cat');
    await until(() => presenceKeys(clients[2]!.client).join() === 'ann,bob,cat');
  });
});
