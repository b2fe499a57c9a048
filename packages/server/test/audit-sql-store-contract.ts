import { compileSchemas } from '@wedsync/merge';
import type { AuditEventKind } from '@wedsync/protocol';
import { realActor, SqlAuditStore, type SqlStorage } from '@wedsync/storage-postgres';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../src/audit/audit-sink.ts';
import { F, TEST_SCHEMAS } from './fixtures/sync-harness.ts';
import { sets } from './fixtures/sync-test-client.ts';

export interface AuditStoreFixture {
  storage: SqlStorage;
  audit: SqlAuditStore;
}

const event = (overrides: Partial<AuditEvent>): AuditEvent => ({
  kind: 'join',
  atMs: 1_000,
  actor: 'u1',
  node: 'n1',
  ...overrides,
});

/** The SqlAuditStore contract (R14.1), run against PGlite and PostgreSQL. `tag` keeps tests apart in one database. */
export function auditStoreContract(fixture: () => AuditStoreFixture): void {
  const tag = () => Math.random().toString(36).slice(2, 8);

  /** A wedding scope of the test's own, with the log import caught up: earlier tests' changes are not in its batches. */
  const freshWedding = async () => {
    const { storage, audit } = fixture();
    const t = tag();
    await audit.backfillApplied();
    return { storage, audit, t, wedding: `wedding:${t}`, schemas: compileSchemas(TEST_SCHEMAS) };
  };

  describe('SqlAuditStore', () => {
    it('R14.1 R14.2 a tenant sees its events and its members’ tenant-less events of sessions that acted in it, never another tenant’s', async () => {
      const { audit } = fixture();
      const t = tag();
      const [mine, theirs] = [`supplier:${t}-a`, `supplier:${t}-b`];
      await audit.append([
        event({ kind: 'join', tenant: mine, actor: `${t}-ann`, topic: `${mine}`, sessionId: `${t}-s1` }),
        event({ kind: 'join', tenant: theirs, actor: `${t}-bob`, topic: `${theirs}`, sessionId: `${t}-s2` }),
        event({ kind: 'connect', tenant: null, actor: `${t}-ann`, sessionId: `${t}-s1` }),
        event({ kind: 'connect', tenant: null, actor: `${t}-bob`, sessionId: `${t}-s2` }),
        // Ann's other connection only ever worked in `theirs` (say, her own wedding): not `mine`'s business.
        event({ kind: 'join', tenant: theirs, actor: `${t}-ann`, topic: `${theirs}`, sessionId: `${t}-s3` }),
        event({ kind: 'connect', tenant: null, actor: `${t}-ann`, sessionId: `${t}-s3`, atMs: 2_000 }),
        event({ kind: 'disconnect', tenant: null, actor: `${t}-ann`, sessionId: `${t}-s3`, atMs: 2_001 }),
        // A connection that never acted in any tenant.
        event({ kind: 'connect', tenant: null, actor: `${t}-ann`, sessionId: `${t}-s4`, atMs: 2_002 }),
        event({
          kind: 'mutation_refused',
          tenant: theirs,
          actor: `${t}-ann`,
          code: 'FORBIDDEN',
          c: 'notes',
          recordId: 'n1',
        }),
      ]);
      const seen = await audit.query({ tenant: mine, members: [`${t}-ann`] });
      expect(seen.map((entry) => [entry.kind, entry.tenant, entry.actor])).toEqual([
        ['connect', null, `${t}-ann`],
        ['join', mine, `${t}-ann`],
      ]);
      expect(seen[1]).toMatchObject({ topic: mine, node: 'n1', at: new Date(1_000).toISOString() });
      const other = await audit.query({ tenant: theirs, members: [] });
      expect(other.map((entry) => entry.kind)).toEqual(['mutation_refused', 'join', 'join']);
      const otherWithMembers = await audit.query({ tenant: theirs, members: [`${t}-ann`, `${t}-bob`] });
      expect(otherWithMembers.map((entry) => [entry.kind, entry.sessionId])).toEqual([
        ['mutation_refused', null],
        ['disconnect', `${t}-s3`],
        ['connect', `${t}-s3`],
        ['join', `${t}-s3`],
        ['connect', `${t}-s2`],
        ['join', `${t}-s2`],
      ]);
      expect(other[0]).toMatchObject({ code: 'FORBIDDEN', c: 'notes', recordId: 'n1' });
    });

    it('R14.1 filters by kind, time, actor and topic, and pages newest first with `before`', async () => {
      const { audit } = fixture();
      const tenant = `wedding:${tag()}`;
      await audit.append(
        Array.from({ length: 5 }, (_, index) =>
          event({ kind: index % 2 ? 'leave' : 'join', tenant, atMs: 10_000 + index, topic: `${tenant}`, reason: 'r' }),
        ),
      );
      const joins = await audit.query({ tenant, kinds: ['join'] });
      expect(joins.map((entry) => Date.parse(entry.at))).toEqual([10_004, 10_002, 10_000]);
      const window = await audit.query({ tenant, fromMs: 10_001, toMs: 10_003 });
      expect(window.map((entry) => Date.parse(entry.at))).toEqual([10_002, 10_001]);
      const page1 = await audit.query({ tenant, limit: 2 });
      const page2 = await audit.query({ tenant, limit: 2, before: page1.at(-1)?.id });
      expect([...page1, ...page2].map((entry) => Date.parse(entry.at))).toEqual([10_004, 10_003, 10_002, 10_001]);
      expect(await audit.query({ tenant, actor: 'someone-else' })).toEqual([]);
      expect((await audit.query({ tenant, topic: tenant })).length).toBe(5);
    });

    it('R14.1 prunes by age (retention) and lists a user’s recent events oldest first', async () => {
      const { audit } = fixture();
      const actor = `${tag()}-pru`;
      const now = 9_000_000_000_000;
      await audit.append([
        event({ actor, atMs: now - 100 * 86_400_000 }),
        event({ actor, atMs: now - 30 * 60_000, kind: 'connect' }),
        event({ actor, atMs: now - 60_000, kind: 'join' }),
      ]);
      expect((await audit.forActor(actor, now - 3_600_000)).map((entry) => entry.kind)).toEqual(['connect', 'join']);
      expect(await audit.prune(now - 90 * 86_400_000)).toBeGreaterThanOrEqual(1);
      expect(await audit.forActor(actor, 0)).toHaveLength(2);
    });

    it('R14.1 backfills applied changes the trail lost from the history, under the real actor, once', async () => {
      const { storage, audit } = fixture();
      const t = tag();
      const scope = `wedding:${t}`;
      const schemas = compileSchemas(TEST_SCHEMAS);
      const nowMs = Date.now();
      const committed = await storage.commit({
        clientId: `u-${t}:tab`,
        actor: { userId: `anon:u-${t}`, name: 'Anonymous' },
        scope,
        mutations: [
          { mid: 1, c: 'items', id: `${t}-r1`, base: 0, ops: sets({ [F.title]: 'a' }) },
          { mid: 2, c: 'items', id: `${t}-r1`, base: 1, ops: sets({ [F.title]: 'b' }) },
        ],
        schemas,
        nowMs,
      });
      const [first, second] = committed.changes;
      await audit.append([
        event({ kind: 'mutation_applied', actor: `u-${t}`, tenant: scope, details: { mid: 1, v: 1, seq: first?.seq } }),
      ]);
      const options = { cutoffMs: nowMs + 1, tenantOf: ({ scope: s }: { scope?: string }) => s ?? null };
      expect(await audit.backfillApplied(options)).toBe(1);
      expect(await audit.backfillApplied(options)).toBe(0);
      const applied = await audit.query({ tenant: scope, kinds: ['mutation_applied'] });
      expect(applied.map((entry) => [entry.actor, entry.details?.seq])).toEqual([
        [`u-${t}`, second?.seq],
        [`u-${t}`, first?.seq],
      ]);
      expect(applied[0]?.details).toMatchObject({ mid: 2, v: 2, backfilled: true });
      await audit.append([
        event({ kind: 'mutation_applied', actor: `u-${t}`, tenant: scope, details: { seq: second?.seq } }),
      ]);
      expect(await audit.query({ tenant: scope, kinds: ['mutation_applied'] })).toHaveLength(2);
    });

    it('R14.1 copies a log of several writers in batches inside the database: actor and tenant per writer, rollbacks, once across nodes', async () => {
      const { storage, audit } = fixture();
      const t = tag();
      const [wedding, supplier] = [`wedding:${t}`, `supplier:${t}`];
      const schemas = compileSchemas(TEST_SCHEMAS);
      const nowMs = Date.now();
      // Changes committed before this test belong to other tests: the log is checked up to here first.
      await audit.backfillApplied({ cutoffMs: nowMs - 60_000 });
      await audit.backfillApplied();
      let mid = 0;
      const write = (user: string, label: string, scope: string, id: string, base: number) =>
        storage.commit({
          clientId: `${user}:tab`,
          actor: { userId: label, name: label },
          scope,
          mutations: [{ mid: ++mid, c: 'items', id, base, ops: sets({ [F.title]: `${user}-${base}` }) }],
          schemas,
          nowMs,
        });
      const changes = [
        await write(`ann-${t}`, `ann-${t}`, wedding, `${t}-a`, 0),
        await write(`bob-${t}`, `anon:bob-${t}`, wedding, `${t}-b`, 0),
        await write(`ann-${t}`, `ann-${t}`, supplier, `${t}-c`, 0),
        await write(`ann-${t}`, `ann-${t}`, wedding, `${t}-a`, 1),
        await write(`bob-${t}`, `anon:bob-${t}`, wedding, `${t}-b`, 1),
      ].map((result) => result.changes[0]?.seq);
      const rolledBack = await storage.rollback({
        scope: wedding,
        c: 'items',
        id: `${t}-a`,
        toVersion: 1,
        actor: { userId: `ann-${t}`, name: 'Ann' },
        clientId: `ann-${t}:tab`,
        schemas,
        nowMs,
      });
      if (!('change' in rolledBack)) throw new Error(rolledBack.error.code);
      const resolved: string[] = [];
      const tenantOf = ({ scope, actor }: { scope?: string; actor: string | null }) => {
        resolved.push(`${scope}/${actor}`);
        return scope === supplier ? null : scope;
      };
      // A second node (another store on the same database) imports at the same time, with tiny batches.
      const other = new SqlAuditStore(storage.sql);
      const [mine, theirs] = await Promise.all([
        audit.backfillApplied({ tenantOf, batchSize: 2 }),
        other.backfillApplied({ tenantOf, batchSize: 4 }),
      ]);
      expect(mine + theirs).toBe(6);
      expect(await audit.backfillApplied({ tenantOf })).toBe(0);
      expect(new Set(resolved)).toEqual(
        new Set([`${wedding}/ann-${t}`, `${wedding}/bob-${t}`, `${supplier}/ann-${t}`]),
      );
      // Ann's change in a scope of no tenant (changes[2]) is in no tenant's trail, though she is a member.
      const trail = await audit.query({ tenant: wedding, members: [`ann-${t}`, `bob-${t}`] });
      expect(trail.map((entry) => [entry.kind, entry.actor, entry.tenant, entry.recordId, entry.details?.seq])).toEqual(
        [
          ['rollback', `ann-${t}`, wedding, `${t}-a`, rolledBack.change.seq],
          ['mutation_applied', `bob-${t}`, wedding, `${t}-b`, changes[4]],
          ['mutation_applied', `ann-${t}`, wedding, `${t}-a`, changes[3]],
          ['mutation_applied', `bob-${t}`, wedding, `${t}-b`, changes[1]],
          ['mutation_applied', `ann-${t}`, wedding, `${t}-a`, changes[0]],
        ],
      );
      expect(trail[0]).toMatchObject({
        node: 'log',
        topic: null,
        c: 'items',
        at: new Date(nowMs).toISOString(),
        details: { to: 1, v: 3, seq: rolledBack.change.seq, backfilled: true },
      });
      expect(trail[1]?.details).toEqual({ mid: 5, v: 2, seq: changes[4], backfilled: true });
      // Actor and tenant are resolved once per writer of a batch, not once per change.
      resolved.length = 0;
      for (let index = 0; index < 3; index++) await write(`ann-${t}`, `ann-${t}`, wedding, `${t}-d${index}`, 0);
      expect(await audit.backfillApplied({ tenantOf })).toBe(3);
      expect(resolved).toEqual([`${wedding}/ann-${t}`]);
    });

    it('R14.1 copied changes are stored per writer and batch, yet listed change by change: paging, kinds, time, actor, forActor, retention', async () => {
      const { storage, audit, t, wedding, schemas } = await freshWedding();
      const t0 = 7_000_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1_000;
      let mid = 0;
      let step = 0;
      const write = (user: string, id: string, base: number) =>
        storage.commit({
          clientId: `${user}:tab`,
          actor: { userId: user, name: user },
          scope: wedding,
          mutations: [{ mid: ++mid, c: 'items', id, base, ops: sets({ [F.title]: `${user}-${base}` }) }],
          schemas,
          nowMs: t0 + ++step,
        });
      const [ann, bob] = [`ann-${t}`, `bob-${t}`];
      // Interleaved writers: one import batch holds two groups (ann's, bob's).
      await write(ann, `${t}-a`, 0); // t0+1
      await write(bob, `${t}-b`, 0); // t0+2
      await write(ann, `${t}-a`, 1); // t0+3
      await write(bob, `${t}-b`, 1); // t0+4
      const rolledBack = await storage.rollback({
        scope: wedding,
        c: 'items',
        id: `${t}-a`,
        toVersion: 1,
        actor: { userId: ann, name: ann },
        clientId: `${ann}:tab`,
        schemas,
        nowMs: t0 + ++step, // t0+5
      });
      if (!('change' in rolledBack)) throw new Error(rolledBack.error.code);
      const tenantOf = ({ scope }: { scope?: string }) => scope ?? null;
      expect(await audit.backfillApplied({ tenantOf })).toBe(5);
      // One row per writer of the batch, not one per change (what keeps the import cheap).
      const rows = await storage.sql.query<{ n: unknown }>(
        'SELECT cardinality(seqs) AS n FROM audit_applied WHERE tenant = $1 ORDER BY actor',
        [wedding],
      );
      expect(rows.map((row) => Number(row.n))).toEqual([3, 2]);
      const all = await audit.query({ tenant: wedding });
      expect(all.map((entry) => [entry.kind, entry.actor, Date.parse(entry.at)])).toEqual([
        ['rollback', ann, t0 + 5],
        ['mutation_applied', bob, t0 + 4],
        ['mutation_applied', ann, t0 + 3],
        ['mutation_applied', bob, t0 + 2],
        ['mutation_applied', ann, t0 + 1],
      ]);
      const ids = all.map((entry) => BigInt(entry.id));
      expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : 1)));
      expect(new Set(ids).size).toBe(5);
      expect(all[0]).toMatchObject({ tenant: wedding, c: 'items', recordId: `${t}-a`, node: 'log', topic: null });
      // Pages walk the batch across its two rows (which share an id), each change once, newest first.
      // With a time window, ann's row (t0+1, +3, +5) is cut by it and bob's (t0+2, +4) is not.
      const fromMs = t0 + 2;
      for (const limit of [1, 2, 3]) {
        for (const window of [{}, { fromMs }]) {
          const paged: string[] = [];
          let before: string | undefined;
          for (;;) {
            const kinds: AuditEventKind[] = ['mutation_applied', 'rollback'];
            const page = await audit.query({ tenant: wedding, limit, before, kinds, ...window });
            paged.push(...page.map((entry) => entry.id));
            if (page.length < limit) break;
            before = page.at(-1)?.id;
          }
          const expected = all.filter((entry) => !('fromMs' in window) || Date.parse(entry.at) >= fromMs);
          expect(paged, `pages of ${limit} ${JSON.stringify(window)}`).toEqual(expected.map((entry) => entry.id));
        }
      }
      expect((await audit.query({ tenant: wedding, kinds: ['rollback'] })).map((entry) => entry.kind)).toEqual([
        'rollback',
      ]);
      expect(await audit.query({ tenant: wedding, kinds: ['join', 'leave'] })).toEqual([]);
      expect(await audit.query({ tenant: wedding, topic: wedding })).toEqual([]);
      const window = await audit.query({ tenant: wedding, fromMs: t0 + 2, toMs: t0 + 4 });
      expect(window.map((entry) => Date.parse(entry.at))).toEqual([t0 + 3, t0 + 2]);
      const bobs = await audit.query({ tenant: wedding, actor: bob });
      expect(bobs.map((entry) => [entry.recordId, entry.details])).toEqual([
        [`${t}-b`, { mid: 4, v: 2, seq: expect.any(Number), backfilled: true }],
        [`${t}-b`, { mid: 2, v: 1, seq: expect.any(Number), backfilled: true }],
      ]);
      expect(await audit.query({ tenant: `wedding:${t}-other`, members: [] })).toEqual([]);
      expect((await audit.forActor(ann, t0 + 2)).map((entry) => [entry.kind, Date.parse(entry.at)])).toEqual([
        ['mutation_applied', t0 + 3],
        ['rollback', t0 + 5],
      ]);
      // Retention drops a group once its newest change is older than the cutoff: bob's (newest t0+4)
      // goes at t0+5, ann's (newest t0+5) stays whole.
      expect(await audit.prune(t0 + 5)).toBeGreaterThanOrEqual(2);
      expect((await audit.query({ tenant: wedding })).map((entry) => entry.actor)).toEqual([ann, ann, ann]);
    });

    it('R14.1 pages of copied changes are whole across import batches, with and without a time window', async () => {
      const { storage, audit, t, wedding, schemas } = await freshWedding();
      const t0 = 6_000_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1_000;
      // ann writes at t0+1, +3, +5, +7; bob at t0+2, +4, +6. Batches of four: rows ann (1, 3), bob (2, 4),
      // then ann (5, 7), bob (6); a window ending at t0+7 cuts the newest row, ann (5, 7).
      for (let step = 1; step <= 7; step++) {
        const user = step % 2 ? `ann-${t}` : `bob-${t}`;
        await storage.commit({
          clientId: `${user}:tab`,
          actor: { userId: user, name: user },
          scope: wedding,
          mutations: [{ mid: step, c: 'items', id: `${t}-${step}`, base: 0, ops: sets({ [F.title]: step }) }],
          schemas,
          nowMs: t0 + step,
        });
      }
      const tenantOf = ({ scope }: { scope?: string }) => scope ?? null;
      expect(await audit.backfillApplied({ tenantOf, batchSize: 4 })).toBe(7);
      const all = await audit.query({ tenant: wedding });
      expect(all.map((entry) => Date.parse(entry.at) - t0)).toEqual([7, 6, 5, 4, 3, 2, 1]);
      for (const limit of [1, 2, 3]) {
        for (const [from, to] of [
          [0, 99],
          [2, 99],
          [0, 7],
          [2, 7],
          [5, 99],
        ] as const) {
          const paged: number[] = [];
          let before: string | undefined;
          for (;;) {
            const page = await audit.query({ tenant: wedding, limit, before, fromMs: t0 + from, toMs: t0 + to });
            paged.push(...page.map((entry) => Date.parse(entry.at) - t0));
            if (page.length < limit) break;
            before = page.at(-1)?.id;
          }
          const expected = [7, 6, 5, 4, 3, 2, 1].filter((step) => step >= from && step < to);
          expect(paged, `pages of ${limit}, t0+${from} … t0+${to}`).toEqual(expected);
        }
      }
    });

    it('R14.1 the real actor of an anonymised write is the user the client id belongs to', () => {
      expect(realActor('anon:u-emma', 'u-emma:tab-1')).toBe('u-emma');
      expect(realActor('u-emma', 'u-emma:tab-1')).toBe('u-emma');
      expect(realActor('system', 'system:journeys')).toBe('system');
      expect(realActor('u-x', null)).toBe('u-x');
    });
  });
}
