import { z } from 'zod';

/**
 * Audit trail, client telemetry, sync analytics and problem reports over HTTP (R14.1, R12.1, R15.2,
 * R16). The server's HTTP API and the SDK/web app share these shapes; times are epoch ms inside
 * requests and ISO 8601 strings in responses.
 */

/** R14.1: every kind of sync event the audit trail records. */
export const AUDIT_EVENT_KINDS = [
  'connect',
  'disconnect',
  'join',
  'join_refused',
  'leave',
  'token_refresh',
  'rights_revoked',
  'mutation_applied',
  'mutation_refused',
  'lock_taken',
  'lock_refused',
  'lock_expired',
  'conflict_raised',
  'conflict_resolved',
  'rollback',
  'rate_limited',
] as const;
export type AuditEventKind = (typeof AUDIT_EVENT_KINDS)[number];

export function isAuditEventKind(value: unknown): value is AuditEventKind {
  return typeof value === 'string' && (AUDIT_EVENT_KINDS as readonly string[]).includes(value);
}

/** One event of the trail as `GET /api/audit` returns it. */
export interface AuditEntry {
  /** Increasing per database (not a time order across nodes); page with `before`. */
  id: string;
  kind: AuditEventKind;
  at: string;
  /** The user who acted (`system` for server writes); null when the connection never authenticated. */
  actor: string | null;
  /** The tenant (e.g. `supplier:{id}`, `wedding:{id}`) the event belongs to; null for connection-level events. */
  tenant: string | null;
  topic: string | null;
  /** Collection and record id, for record events. */
  c: string | null;
  recordId: string | null;
  /** The error code of a refusal (join_refused, mutation_refused, lock_refused, rights_revoked, rate_limited). */
  code: string | null;
  /** Why (disconnect and leave reasons). */
  reason: string | null;
  /** The server node that saw it. */
  node: string;
  sessionId: string | null;
  /** Kind-specific facts (seq, version, field id, close code …). */
  details: Record<string, unknown> | null;
}

export interface AuditPage {
  tenant: string;
  entries: AuditEntry[];
  /** Pass as `before` for the next (older) page; null when this was the last. */
  nextBefore: string | null;
}

const count = z.number().int().nonnegative().max(1_000_000_000);

/**
 * R12.1, R16.1: what one client measured over one window (normally 10 s). `connectedMs` ≤ `windowMs`.
 * `latencyMs`: round trips measured in the window (heartbeat answers), at most 200.
 */
export const telemetryReportSchema = z
  .object({
    windowStartMs: z.number().int().nonnegative(),
    windowMs: z.number().int().positive().max(3_600_000),
    connectedMs: z.number().int().nonnegative().max(3_600_000),
    latencyMs: z.array(z.number().nonnegative().max(600_000)).max(200),
    messagesIn: count,
    messagesOut: count,
    reconnects: count,
    /** Mutations the server answered (acknowledged, rejected or in conflict). */
    syncAttempts: count,
    /** Mutations rejected, plus batches that failed and had to be retried. */
    syncFailures: count,
    conflicts: count,
    /** Earlier reports this client dropped instead of queueing them (offline too long). */
    droppedReports: count.optional(),
  })
  .refine((report) => report.connectedMs <= report.windowMs, { message: 'connectedMs exceeds windowMs' });
export type TelemetryReport = z.infer<typeof telemetryReportSchema>;

/** Body of `POST /api/telemetry`. */
export const telemetryBatchSchema = z.object({ reports: z.array(telemetryReportSchema).min(1).max(30) });
export type TelemetryBatch = z.infer<typeof telemetryBatchSchema>;

export const ANALYTICS_RESOLUTIONS = ['minute', 'hour'] as const;
export type AnalyticsResolution = (typeof ANALYTICS_RESOLUTIONS)[number];

/** R16.1, R16.2: one bucket of the series `GET /api/analytics` returns. Null where nothing was measured. */
export interface AnalyticsPoint {
  /** Bucket start (ISO 8601). */
  at: string;
  /** Client reports the bucket is made of. */
  reports: number;
  /** Share of measured client time that was connected, 0–100. */
  uptimePct: number | null;
  latencyAvgMs: number | null;
  latencyP95Ms: number | null;
  /** Frames in and out reported by clients, per second of the bucket. */
  messagesPerSecond: number;
  reconnects: number;
  syncAttempts: number;
  syncFailures: number;
  /** syncFailures / syncAttempts. */
  syncFailureRate: number | null;
  conflicts: number;
  /** Highest number of distinct users connected at once (sampled by every node). */
  concurrentUsers: number;
  /** Highest number of channel subscriptions at once. */
  channelSubscriptions: number;
}

export interface AnalyticsSeries {
  /** `*` for every tenant together. */
  tenant: string;
  resolution: AnalyticsResolution;
  from: string;
  to: string;
  points: AnalyticsPoint[];
}

/** R15.2: largest accepted body of `POST /api/report-problem`, in bytes. */
export const MAX_PROBLEM_REPORT_BYTES = 128 * 1024;

/** R15.2: the client's diagnostic bundle (state, recent log lines, queue, versions …). */
export const problemReportSchema = z.object({
  description: z.string().max(5_000).optional(),
  diagnostics: z.record(z.string(), z.unknown()),
});
export type ProblemReport = z.infer<typeof problemReportSchema>;

export interface ProblemReportReceipt {
  id: string;
  /** How many of the user's audit events of the last hour were stored with it. */
  auditEvents: number;
}
