import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_MIGRATIONS, createPgliteSqlClient, runMigrations, SqlAuditStore } from '../src/index.ts';

describe('audit trail migration 002 (seq column)', () => {
  it('R14.1 a trail written before the seq column keeps each applied change once after the upgrade', async () => {
    const shipped = await mkdtemp(join(tmpdir(), 'wedsync-audit-001-'));
    const sql = await createPgliteSqlClient();
    try {
      // A database as the first release left it: only 001, applied changes identified by details.seq.
      await copyFile(join(AUDIT_MIGRATIONS.dir, '001_audit_events.sql'), join(shipped, '001_audit_events.sql'));
      await runMigrations(sql, [{ namespace: AUDIT_MIGRATIONS.namespace, dir: shipped }]);
      await sql.query(
        `INSERT INTO audit_events (at_ms, kind, actor, node, details) VALUES
           (1000, 'mutation_applied', 'ann', 'n1', '{"mid": 1, "v": 1, "seq": 7}'),
           (1001, 'rollback', 'ann', 'n1', '{"to": 1, "v": 2, "seq": 8}'),
           (1002, 'join', 'ann', 'n1', '{"seq": 7}')`,
      );
      expect(await runMigrations(sql, [AUDIT_MIGRATIONS])).toEqual([
        'audit/002_audit_events_seq.sql',
        'audit/003_audit_events_tenant_ascending.sql',
        'audit/004_audit_applied_groups.sql',
        'audit/005_audit_events_session_tenant.sql',
      ]);
      const rows = await sql.query<{ kind: string; seq: unknown }>('SELECT kind, seq FROM audit_events ORDER BY id');
      expect(rows.map((row) => [row.kind, row.seq === null ? null : Number(row.seq)])).toEqual([
        ['mutation_applied', 7],
        ['rollback', 8],
        ['join', null],
      ]);
      const indexes = await sql.query<{ indexname: string }>(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'audit_events' ORDER BY indexname",
      );
      expect(indexes.map((row) => row.indexname)).toEqual([
        'audit_events_actor',
        'audit_events_at',
        'audit_events_pkey',
        'audit_events_seq',
        'audit_events_session_tenant',
        'audit_events_tenant_id',
      ]);
      // The same change written again (live on another node, or re-imported) is not doubled.
      const store = new SqlAuditStore(sql);
      await store.append([
        { kind: 'mutation_applied', atMs: 1003, actor: 'ann', node: 'n2', details: { mid: 1, v: 1, seq: 7 } },
        { kind: 'rollback', atMs: 1004, actor: 'ann', node: 'n2', details: { to: 1, v: 2, seq: 8 } },
        { kind: 'join', atMs: 1005, actor: 'ann', node: 'n2', details: { seq: 7 } },
      ]);
      const count = await sql.query<{ n: unknown }>('SELECT count(*) AS n FROM audit_events');
      expect(Number(count[0]?.n)).toBe(4);
    } finally {
      await sql.close();
      await rm(shipped, { recursive: true, force: true });
    }
  });
});
