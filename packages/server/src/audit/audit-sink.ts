import type { AuditEventKind } from '@wedsync/protocol';
import type { Registry } from 'prom-client';

/**
 * R14.1 audit events as the engine emits them: who, topic/record, node and time. The tenant is
 * decided later by the application (`AuditTrailOptions.tenantOf`), off the hot path.
 */
export interface AuditEvent {
  kind: AuditEventKind;
  /** Epoch ms, from the emitting server's clock. */
  atMs: number;
  /** The user id (the real one, also for anonymised writes); `system` for server writes; null before authentication. */
  actor: string | null;
  node: string;
  sessionId?: string;
  /** Canonical channel topic. */
  topic?: string;
  /** Log scope, for record events that have no channel (lock expiry, server writes). */
  scope?: string;
  c?: string;
  recordId?: string;
  /** ERROR_CODES / close reason of a refusal. */
  code?: string;
  /** Leave reason (`leave`, `disconnect`, `revoked`, `expired`) or disconnect reason (close reason name). */
  reason?: string;
  details?: Record<string, unknown>;
  /** Set by the trail from `tenantOf` when absent; null when the event belongs to no tenant. */
  tenant?: string | null;
}

/**
 * Where the engine puts audit events (`createRealtimeServer({ audit })`, `attachRecordSync(host, { audit })`).
 * `record` runs on the hot path: it must return at once and never throw (buffer, then write in batches;
 * see `AuditTrail`).
 */
export interface AuditSink {
  record(event: AuditEvent): void;
  /**
   * True when the store derives `mutation_applied` and `rollback` from the change log itself (written
   * atomically with each change, e.g. `SqlAuditStore.backfillApplied`): record sync then does not emit
   * them, which keeps every applied mutation off the trail's write path.
   */
  readonly appliedChangesFromLog?: boolean;
  /** Called once by `createRealtimeServer` with its registry, so the sink's counters (e.g. drops) are on `/metrics`. */
  registerMetrics?(registry: Registry): void;
}

/** Durable home of the trail (e.g. `SqlAuditStore`); `append` gets batches in emission order. */
export interface AuditStore {
  append(events: readonly AuditEvent[]): Promise<void>;
}

/** The application's mapping of an event to its tenant (e.g. `wedding:42`, `supplier:7`); undefined/null: none. */
export type TenantResolver = (ref: {
  topic?: string;
  scope?: string;
  actor: string | null;
}) => string | null | undefined;
