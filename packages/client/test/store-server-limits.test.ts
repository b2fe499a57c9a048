import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxProgress } from '../src/outbox/outbox-types.ts';
import { PGLITE_START_TIMEOUT_MS, SyncWorld, settledWhen, storeRecords } from './store-sync-fixture.ts';

/**
 * The store against a server that limits rates (R15.1) and hides some changes from some audiences
 * (R14.2 projection), which leaves version gaps the store must repair with a snapshot (R11.2).
 */
describe('RecordStore with rate limits and projections (R11.2, R14.2, R15.1)', () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await SyncWorld.start(
      {
        hooks: {
          projectChange: (change, session) => {
            const hidden = change.ops.some((op) => op.k === 'set' && op.f === 1 && op.v === 'hidden');
            return hidden && session.user.id === 'bob' ? undefined : change;
          },
        },
      },
      { rateLimit: { points: 2, durationMs: 300 } },
    );
  }, PGLITE_START_TIMEOUT_MS);
  afterAll(async () => {
    await world.close();
  });
  beforeEach(() => {
    world.freshTopic();
  });
  afterEach(async () => {
    await world.closeClients();
  });

  it('R15.1 RATE_LIMITED replies slow the queue down and it still drains completely, in order', async () => {
    // One mutation per push, so the queue sends faster than 2 messages per 300 ms allow.
    const alice = await world.connect('alice', { online: false, store: { outbox: { batchSize: 1 } } });
    const ids = Array.from({ length: 6 }, (_, n) => world.rid(`r${n}`));
    for (const [n, id] of ids.entries()) alice.store.create('items', id, { title: `t${n}` });
    const progress: OutboxProgress[] = [];
    alice.store.outbox.on('progress', (p) => progress.push(p));
    await alice.channel.join();
    await settledWhen([alice.store], () => alice.store.outbox.entries().length === 0, 'queue drained');
    expect(progress.some((p) => p.retryAtMs !== null)).toBe(true);
    expect(alice.store.outbox.progress()).toMatchObject({ queued: 0, done: 6, failed: 0 });
    const log = await world.storage.changesSince([world.topic], 0, 100);
    expect(log.map((change) => change.mid)).toEqual(Array.from({ length: 6 }, (_, n) => n + 1));
    expect(storeRecords(alice.store)).toEqual(await world.serverRecords());
  });

  it('R11.2 a version gap (a change hidden from this audience) is repaired with a snapshot', async () => {
    const r1 = world.rid('r1');
    const alice = await world.connect('alice');
    const bob = await world.connect('bob');
    alice.store.create('items', r1, { title: 'shown' });
    await settledWhen([bob.store], () => bob.store.record('items', r1)?.v === 1, 'bob has v1');
    alice.store.set('items', r1, 'title', 'hidden');
    await settledWhen([alice.store], () => alice.store.outbox.entries().length === 0, 'hidden change settled');
    alice.store.append('items', r1, 'tags', 't1', 'after the gap');
    await settledWhen([bob.store], () => bob.store.record('items', r1)?.v === 3, 'bob repaired to v3');
    expect(bob.store.record('items', r1)?.fields).toEqual({
      title: 'hidden',
      tags: [{ id: 't1', v: 'after the gap' }],
    });
    expect(storeRecords(bob.store)).toEqual(await world.serverRecords());
  });
});
