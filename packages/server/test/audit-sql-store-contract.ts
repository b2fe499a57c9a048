import { compileSchemas } from '@wedsync/merge';
import { realActor, type SqlAuditStore, type SqlStorage } from '@wedsync/storage-postgres';
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

    it('R14.1 the real actor of an anonymised write is the user the client id belongs to', () => {
      expect(realActor('anon:u-emma', 'u-emma:tab-1')).toBe('u-emma');
      expect(realActor('u-emma', 'u-emma:tab-1')).toBe('u-emma');
      expect(realActor('system', 'system:journeys')).toBe('system');
      expect(realActor('u-x', null)).toBe('u-x');
    });
  });
}
