import { compileSchemas } from '@wedsync/merge';
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

  describe('SqlAuditStore', () => {
    it('R14.1 a tenant sees its events and its members’ tenant-less events, never another tenant’s', async () => {
      const { audit } = fixture();
      const t = tag();
      const [mine, theirs] = [`supplier:${t}-a`, `supplier:${t}-b`];
      await audit.append([
        event({ kind: 'join', tenant: mine, actor: `${t}-ann`, topic: `${mine}` }),
        event({ kind: 'join', tenant: theirs, actor: `${t}-bob`, topic: `${theirs}` }),
        event({ kind: 'connect', tenant: null, actor: `${t}-ann` }),
        event({ kind: 'connect', tenant: null, actor: `${t}-bob` }),
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
      expect(other.map((entry) => entry.kind)).toEqual(['mutation_refused', 'join']);
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
      const trail = await audit.query({ tenant: wedding, members: [`ann-${t}`, `bob-${t}`] });
      expect(trail.map((entry) => [entry.kind, entry.actor, entry.tenant, entry.recordId, entry.details?.seq])).toEqual(
        [
          ['rollback', `ann-${t}`, wedding, `${t}-a`, rolledBack.change.seq],
          ['mutation_applied', `bob-${t}`, wedding, `${t}-b`, changes[4]],
          ['mutation_applied', `ann-${t}`, wedding, `${t}-a`, changes[3]],
          ['mutation_applied', `ann-${t}`, null, `${t}-c`, changes[2]],
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

    it('R14.1 the real actor of an anonymised write is the user the client id belongs to', () => {
      expect(realActor('anon:u-emma', 'u-emma:tab-1')).toBe('u-emma');
      expect(realActor('u-emma', 'u-emma:tab-1')).toBe('u-emma');
      expect(realActor('system', 'system:journeys')).toBe('system');
      expect(realActor('u-x', null)).toBe('u-x');
    });
  });
}
