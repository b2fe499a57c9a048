import { AuditTrail, type TenantResolver } from '@wedsync/server';
import { AUDIT_MIGRATIONS, runMigrations, SqlAuditStore, type SqlClient } from '@wedsync/storage-postgres';
import type { Directory } from '@wedsync/wedding';
import { PROBLEM_REPORT_MIGRATIONS, ProblemReportStore } from './problem-report-store.ts';
import { type AuditGrant, auditGrants, weddingTenantOf } from './wedding-tenants.ts';

const DAY_MS = 86_400_000;
/** Applied changes younger than this may still sit in some node's trail buffer; the backfill leaves them. */
const BACKFILL_LAG_MS = 60_000;

export interface AuditServiceOptions {
  sql: SqlClient;
  directory: Directory;
  /** R14.1 retention of the trail and of problem reports (AUDIT_RETENTION_DAYS); default 90. */
  retentionDays?: number;
  nowMs?: () => number;
  /** Trail buffer flush interval; default 1 000. */
  flushIntervalMs?: number;
  /** How often old events are pruned and lost applied changes backfilled; default 15 minutes. */
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
  /** Prunes beyond the retention and backfills applied changes the trail lost; the timer does this too. */
  maintain(): Promise<{ pruned: number; backfilled: number }>;
  close(): Promise<void>;
}

/**
 * The app's audit trail (R14.1, R15.2): its tables, a buffered trail writing to SQL with the wedding
 * tenants, and the maintenance timer (retention, backfill from the change log).
 */
export async function createAuditService(options: AuditServiceOptions): Promise<AuditService> {
  const { sql, directory } = options;
  const nowMs = options.nowMs ?? Date.now;
  const onError = options.onError ?? ((error: unknown, context: string) => console.error(`[audit] ${context}:`, error));
  await runMigrations(sql, [AUDIT_MIGRATIONS, PROBLEM_REPORT_MIGRATIONS]);
  const store = new SqlAuditStore(sql);
  const problems = new ProblemReportStore(sql);
  const tenantOf = weddingTenantOf(directory);
  const trail = new AuditTrail({ store, tenantOf, flushIntervalMs: options.flushIntervalMs ?? 1_000, onError });
  const retentionMs = (options.retentionDays ?? 90) * DAY_MS;

  let maintaining: Promise<{ pruned: number; backfilled: number }> | undefined;
  const maintain = () => {
    maintaining ??= (async () => {
      const now = nowMs();
      const pruned = await store.prune(now - retentionMs);
      await problems.prune(now - retentionMs);
      const backfilled = await store.backfillApplied({ cutoffMs: now - BACKFILL_LAG_MS, tenantOf });
      return { pruned, backfilled };
    })().finally(() => {
      maintaining = undefined;
    });
    return maintaining;
  };
  const timer = setInterval(
    () => {
      maintain().catch((error) => onError(error, 'audit maintenance'));
    },
    options.maintenanceIntervalMs ?? 15 * 60_000,
  );
  timer.unref();

  return {
    trail,
    store,
    problems,
    tenantOf,
    retentionMs,
    grants: (userId) => auditGrants(directory, userId),
    maintain,
    async close() {
      clearInterval(timer);
      await maintaining?.catch(() => undefined);
      await trail.close();
    },
  };
}
