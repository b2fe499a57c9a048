import { compileSchemas } from '@wedsync/merge';
import { createRealtimeServer, type RealtimeServer, type Storage, type StoredChange } from '@wedsync/server';
import { createPgliteStorage } from '@wedsync/storage-postgres';
import { fieldIdOf, WeddingModel, weddingSchemas } from '@wedsync/wedding';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followModel, type ModelFollower } from '../src/model-follower.ts';

/** A storage whose log reads fail while `failing` is set (a database outage seen by the follower only). */
function flakyLog(storage: Storage): { storage: Storage; setFailing(on: boolean): void } {
  let failing = false;
  const wrapped = Object.create(storage) as Storage;
  wrapped.changesSince = (scopes, afterSeq, limit) =>
    failing ? Promise.reject(new Error('log unavailable')) : storage.changesSince(scopes, afterSeq, limit);
  return { storage: wrapped, setFailing: (on) => (failing = on) };
}

// The follower behind `beforeDeliver` (DESIGN §3): the engine may project a batch only once the
// Directory holds it; when the Directory cannot catch up, delivery is held back, never made with stale rights.
describe('R2.2 the Directory follower before delivery', () => {
  let base: Storage;
  let realtime: RealtimeServer;
  let follower: ModelFollower;
  let model: WeddingModel;
  let log: ReturnType<typeof flakyLog>;
  beforeAll(async () => {
    base = await createPgliteStorage({});
    log = flakyLog(base);
    realtime = await createRealtimeServer({ jwtSecret: 'x'.repeat(32), logger: pino({ level: 'silent' }) });
    model = new WeddingModel();
    follower = await followModel({ model, storage: log.storage, realtime, logger: pino({ level: 'silent' }) });
  }, 60_000);
  afterAll(async () => {
    await follower?.close();
    await realtime?.close();
    await base?.close();
  });

  const addSupplier = async (id: string, mid: number): Promise<StoredChange[]> => {
    const { changes } = await base.commit({
      clientId: 'test:setup',
      actor: { userId: 'system', name: 'System' },
      scope: 'directory',
      mutations: [{ mid, c: 'suppliers', id, base: 0, ops: [{ k: 'set', f: fieldIdOf('suppliers', 'name'), v: id }] }],
      schemas: compileSchemas(weddingSchemas),
      nowMs: Date.now(),
    });
    return changes;
  };

  it('R2.2 resolves once the Directory holds the batch; rejects (fail closed) while it cannot read the log', async () => {
    const first = await addSupplier('s-one', 1);
    await follower.beforeDeliver(first, first.at(-1)!.seq);
    expect(model.directory.records.get('suppliers', 's-one')).toBeDefined();
    expect(follower.cursorSeq).toBeGreaterThanOrEqual(first.at(-1)!.seq);

    const second = await addSupplier('s-two', 2);
    log.setFailing(true);
    await expect(follower.beforeDeliver(second, second.at(-1)!.seq)).rejects.toThrow(/could not catch up/);
    log.setFailing(false);
    await follower.beforeDeliver(second, second.at(-1)!.seq);
    expect(model.directory.records.get('suppliers', 's-two')).toBeDefined();
  });

  it('R2.2 a batch with nothing the Directory follows (a user:* scope) needs no catch-up', async () => {
    log.setFailing(true);
    try {
      const notification = {
        scope: 'user:u-x',
        seq: 10_000,
        c: 'notifications',
        id: 'n1',
        v: 1,
        ops: [],
        by: 'system',
        at: '',
      };
      await expect(follower.beforeDeliver([notification], 10_000)).resolves.toBeUndefined();
    } finally {
      log.setFailing(false);
    }
  });
});
