import type { AuditEntry, AuditPage } from '@wedsync/protocol';
import type { SqlStorage } from '@wedsync/storage-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiWorld, startApiWorld } from './api-fixture.ts';
import { VENUE, venueLock, WEDDING } from './venue-lock.ts';

// Issue 10 audit gap 2 (R14.1 "lock expired"): until now `lock_expired` was proven on the engine alone
// (packages/server/test/audit-record-events.test.ts). Here a lock is taken through the running app, is
// left to expire while its holder stays connected, the app's lock sweep frees it, and the app's audit
// API shows the expiry under the holder, the wedding tenant and the locked record.
describe('R14.1 issue 10: an expired lock in the app’s audit trail', () => {
  let world: ApiWorld;

  beforeAll(async () => {
    world = await startApiWorld();
  }, 180_000);
  afterAll(() => world?.close());

  const trail = async (userId: string, query: string) => {
    const response = await world.as(userId).get<AuditPage>(`/api/audit?tenant=${WEDDING}&limit=1000&${query}`);
    expect(response.status, response.text).toBe(200);
    return response.body.entries;
  };

  it('R14.1 issue 10: a field lock that expires unrenewed is audited as lock_expired with its holder, tenant and record', async () => {
    const emma = await world.connect('u-emma');
    const james = await world.connect('u-james');
    await emma.join(WEDDING);
    await james.join(WEDDING);

    const lock = { action: 'acquire', c: 'weddings', id: 'w-emma-james', f: VENUE };
    const taken = await emma.request(WEDDING, 'lock', lock);
    expect(taken.status, JSON.stringify(taken.response)).toBe('ok');
    await james.waitFor(venueLock(true));
    expect(await trail('u-emma', 'kind=lock_expired')).toEqual([]);

    // The lock's expiry passes without a renewal (the app's TTL is 30 s; its row is moved there rather
    // than the test waiting), then the app's sweep (its 5 s timer, run now) expires it.
    const storage = world.server.storage as SqlStorage;
    const aged = await storage.sql.query(
      'UPDATE sync_locks SET expires_at_ms = $1 WHERE c = $2 AND id = $3 AND f = $4 AND user_id = $5 RETURNING id',
      [Date.now() - 1, 'weddings', 'w-emma-james', VENUE, 'u-emma'],
    );
    expect(aged).toHaveLength(1);
    await world.server.sync.sweepLocks();
    // Announced free to the other member on the app's channel, though Emma never released it nor left.
    await james.waitFor(venueLock(false));
    expect(emma.frames.some((frame) => frame.event === 'phx_close')).toBe(false);

    const expired = await trail('u-emma', 'kind=lock_expired');
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject<Partial<AuditEntry>>({
      kind: 'lock_expired',
      actor: 'u-emma',
      tenant: WEDDING,
      c: 'weddings',
      recordId: 'w-emma-james',
      node: world.server.realtime.nodeId,
      details: { f: VENUE },
    });
    // The couple's other partner reads the same entry; the taking is there too, under the same holder.
    expect((await trail('u-james', 'kind=lock_expired')).map((entry) => entry.id)).toEqual([expired[0]!.id]);
    const takenEntries = await trail('u-emma', 'kind=lock_taken&actor=u-emma');
    expect(takenEntries[0]).toMatchObject({ tenant: WEDDING, c: 'weddings', recordId: 'w-emma-james' });
    // A supplier's owner outside the wedding never reads it.
    expect((await world.as('u-noah').get(`/api/audit?tenant=${WEDDING}&kind=lock_expired`)).status).toBe(403);
  });
});
