import { randomBytes } from 'node:crypto';
import { createRedisBus } from '@wedsync/fanout-redis';
import type { LockStatePayload, MutateReply } from '@wedsync/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncTestClient } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import type { AppServer } from '../src/app-server.ts';
import { PostgresAppNodes } from './postgres-app-nodes.ts';
import { VENUE, venueLock, WEDDING } from './venue-lock.ts';

/**
 * Issue 6 audit gap (R4.1 across nodes, on the production path): two app nodes on one PostgreSQL schema,
 * each with its own Redis bus (its own publisher and subscriber connections to REDIS_URL, channels under
 * a prefix of this run so no other run's nodes hear them). Lock rows live in PostgreSQL, lock notices
 * travel only on the bus: Emma's lock taken on node A is announced to James on node B over Redis,
 * enforced on node B (his write and his own lock request refused FIELD_LOCKED naming Emma), and freed
 * when Emma disconnects from A — announced on B over Redis, after which James's write applies.
 */
describe('R4.1 issue 6: field locks across two app nodes on PostgreSQL + Redis', () => {
  const redisUrl = process.env.REDIS_URL ?? '';
  const suffix = randomBytes(4).toString('hex');
  // The app's own REDIS_URL path builds the same bus with the default channel prefix; the buses are
  // given here only to put this run's channels under a prefix of their own.
  const cluster = new PostgresAppNodes({
    databaseUrl: process.env.DATABASE_URL ?? '',
    schema: `t_locks_nodes_${suffix}`,
    dataDirPrefix: 'wedsync-locks-nodes-',
    createBus: () => createRedisBus({ url: redisUrl, keyPrefix: `wedsync:test-locks-${suffix}:` }),
  });
  const { storages, nodes } = cluster;

  beforeAll(() => cluster.start(2), 180_000);
  afterAll(() => cluster.close());

  const connect = (userId: string, node: AppServer) => cluster.connect(userId, node);
  /** James's write of the venue against its current version. */
  const writeVenue = async (client: SyncTestClient, mid: number, venue: string) => {
    const base = (await storages[1]!.getRecord('weddings', 'w-emma-james'))!.v;
    const reply = await client.mutate(WEDDING, 'james-tab', [
      { mid, c: 'weddings', id: 'w-emma-james', base, ops: [{ k: 'set', f: VENUE, v: venue }] },
    ]);
    expect(reply.status, JSON.stringify(reply.response)).toBe('ok');
    return (reply.response as MutateReply).results[0];
  };

  it('R4.1 issue 6: a lock taken on node A is announced on node B over Redis, enforced there naming the holder, and freed on A’s disconnect', async () => {
    const [nodeA, nodeB] = nodes as [AppServer, AppServer];
    expect(nodeA.realtime.nodeId).not.toBe(nodeB.realtime.nodeId);
    for (const node of nodes) {
      const health = (await (await fetch(`${node.url}/healthz`)).json()) as { ok: boolean; bus: { ok: boolean } };
      expect(health).toMatchObject({ ok: true, bus: { ok: true } });
    }
    const emma = await connect('u-emma', nodeA);
    const james = await connect('u-james', nodeB);
    await emma.join(WEDDING);
    await james.join(WEDDING);
    const emmaHolder = { userId: 'u-emma', name: nodeB.model.directory.displayName('u-emma') };

    // (a) Taken on A, announced on B: James joined before the lock existed, so only the bus can tell him.
    const taken = await emma.request(WEDDING, 'lock', {
      action: 'acquire',
      c: 'weddings',
      id: 'w-emma-james',
      f: VENUE,
    });
    expect(taken.status, JSON.stringify(taken.response)).toBe('ok');
    const notice = await james.waitFor(venueLock(true));
    expect((notice.payload as LockStatePayload).holder).toEqual(emmaHolder);

    // (b) Enforced on B: James's write of the venue and his own lock request are refused, naming Emma.
    expect(await writeVenue(james, 1, 'James’s barn')).toMatchObject({
      status: 'rejected',
      code: 'FIELD_LOCKED',
      details: { holder: emmaHolder },
    });
    const refused = await james.request(WEDDING, 'lock', {
      action: 'acquire',
      c: 'weddings',
      id: 'w-emma-james',
      f: VENUE,
    });
    expect(refused).toMatchObject({
      status: 'error',
      response: { reason: expect.stringMatching(/^FIELD_LOCKED: /), holder: emmaHolder },
    });

    // (c) Emma's connection to A ends: A frees her lock and B announces it free, over Redis again.
    await emma.close();
    await james.waitFor(venueLock(false), 10_000, james.frames.indexOf(notice) + 1);
    expect(await writeVenue(james, 2, 'James’s barn')).toMatchObject({ status: 'applied' });
  });
});
