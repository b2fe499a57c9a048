import { AuditTrail, type TenantResolver } from '@wedsync/server';
import { AUDIT_MIGRATIONS, runMigrations, SqlAuditStore, type SqlClient } from '@wedsync/storage-postgres';
import type { Directory } from '@wedsync/wedding';
import { PROBLEM_REPORT_MIGRATIONS, ProblemReportStore } from './problem-report-store.ts';
import { type AuditGrant, auditGrants, weddingTenantOf } from './wedding-tenants.ts';

const DAY_MS = 86_400_000;

export interface AuditServiceOptions {
  sql: SqlClient;
  directory: Directory;
  /** R14.1 retention of the trail and of problem reports (AUDIT_RETENTION_DAYS); default 90. */
  retentionDays?: number;
  nowMs?: () => number;
  /** Trail buffer flush interval; default 1 000. */
  flushIntervalMs?: number;
  /** How often applied changes are copied from the change log into the trail; default 10 000. */
  appliedImportIntervalMs?: number;
  /** How often events beyond the retention are pruned; default 15 minutes. */
  maintenanceIntervalMs?: number;
  onError?: (error: unknown, context: string) => void;
}

export interface AuditService {
  /** Give it to `createRealtimeServer({ audit })` and `attachRecordSync(…, { audit })`. */
  readonly trail: AuditTrail;
  readonly store: SqlAuditStore;
  readonly problems: ProblemReportStore;
  readonly tenantOf: TenantResolver;
  readonly retentionMs: number;
  /** The tenants whose trail this user may read (R14.1). */
  grants(userId: string): AuditGrant[];
  /** Writes this node's buffered events and copies new applied changes from the log: the trail is current. */
  catchUp(): Promise<void>;
  /** Prunes beyond the retention; the timer does this too. */
  maintain(): Promise<{ pruned: number }>;
  close(): Promise<void>;
}

/**
 * The app's audit trail (R14.1, R15.2): its tables, a buffered trail writing to SQL with the wedding
 * tenants, applied mutations and rollbacks copied from the change log (atomic with each change, and
 * never on the write path), and the retention timer.
 */
export async function createAuditService(options: AuditServiceOptions): Promise<AuditService> {
  const { sql, directory } = options;
  const nowMs = options.nowMs ?? Date.now;
  const onError = options.onError ?? ((error: unknown, context: string) => console.error(`[audit] ${context}:`, error));
  await runMigrations(sql, [AUDIT_MIGRATIONS, PROBLEM_REPORT_MIGRATIONS]);
  const store = new SqlAuditStore(sql);
  const problems = new ProblemReportStore(sql);
  const tenantOf = weddingTenantOf(directory);
  const trail = new AuditTrail({
    store,
    tenantOf,
    flushIntervalMs: options.flushIntervalMs ?? 1_000,
    appliedChangesFromLog: true,
    onError,
  });
  const retentionMs = (options.retentionDays ?? 90) * DAY_MS;

  let importing: Promise<number> | undefined;
  const importApplied = () => {
    importing ??= store.backfillApplied({ tenantOf }).finally(() => {
      importing = undefined;
    });
    return importing;
  };
  let maintaining: Promise<{ pruned: number }> | undefined;
  const maintain = () => {
    maintaining ??= (async () => {
      const now = nowMs();
      const pruned = await store.prune(now - retentionMs);
      await problems.prune(now - retentionMs);
      return { pruned };
    })().finally(() => {
      maintaining = undefined;
    });
    return maintaining;
  };
  const timers = [
    setInterval(() => {
      importApplied().catch((error) => onError(error, 'audit import of applied changes'));
    }, options.appliedImportIntervalMs ?? 10_000),
    setInterval(
      () => {
        maintain().catch((error) => onError(error, 'audit maintenance'));
      },
      options.maintenanceIntervalMs ?? 15 * 60_000,
    ),
  ];
  for (const timer of timers) timer.unref();

  return {
    trail,
    store,
    problems,
    tenantOf,
    retentionMs,
    grants: (userId) => auditGrants(directory, userId),
    async catchUp() {
      await trail.flush();
      await importApplied();
    },
    maintain,
    async close() {
      for (const timer of timers) clearInterval(timer);
      await Promise.all([maintaining, importing].map((running) => running?.catch(() => undefined)));
      await trail.close();
      await importApplied().catch((error) => onError(error, 'audit import of applied changes'));
    },
  };
}
