/**
 * @wedsync/server — the generic real-time engine (WebSocket + Phoenix/Supabase protocol, channels,
 * presence, broadcast, limits, metrics). Product rules come in through `RealtimeHooks`,
 * `registerEvent` and the listeners; see `RealtimeServer` for the contract.
 */
export type { AuditEvent, AuditSink, AuditStore, TenantResolver } from './audit/audit-sink.ts';
export { AuditTrail, type AuditTrailOptions, type AuditTrailStats } from './audit/audit-trail.ts';
export { MemoryAuditStore } from './audit/memory-audit-store.ts';
export type { AuthUser } from './auth/auth-user.ts';
export { defaultUserFromClaims } from './auth/auth-user.ts';
export type { TokenCheck } from './auth/token-verifier.ts';
export { TokenVerifier } from './auth/token-verifier.ts';
export type {
  AuthDecision,
  EventContext,
  EventHandler,
  JoinContext,
  JoinListenerContext,
  LeaveListenerContext,
  LeaveReason,
  MessageContext,
  RealtimeHooks,
} from './channels/hooks.ts';
export type { BusHandler, BusHealth, FanoutBus } from './fanout/fanout-bus.ts';
export { InProcessBus, InProcessBusHub } from './fanout/in-process-bus.ts';
export type { RateLimitOption } from './limits/message-rate-limiter.ts';
export { PRESENCE_STATUSES } from './presence/presence-handler.ts';
export type {
  ListenOptions,
  ListenResult,
  PublishOptions,
  RealtimeServer,
  RealtimeServerOptions,
  RealtimeStats,
} from './realtime-server.ts';
export { createRealtimeServer } from './realtime-server.ts';
export { attachRecordSync, LOG_HINT_SUBJECT, type RecordSync, type RecordSyncOptions } from './records/record-sync.ts';
export type { RecordSyncHooks } from './records/record-sync-hooks.ts';
export type { SessionInfo } from './session/session-info.ts';
export type {
  Actor,
  CommitRequest,
  CommitResult,
  DerivedRecord,
  DeriveRecords,
  DerivingVersion,
  LockRequestInput,
  LockResult,
  LockRow,
  RollbackRequest,
  Storage,
  StoredChange,
  StoredRecord,
} from './storage/storage.ts';
export type { HealthCheck } from './transport/http-routes.ts';
export type { LongPollOptions } from './transport/long-poll-routes.ts';
export { isTlsServer, readTlsFiles, TlsConfigError, type TlsOptions } from './transport/tls-options.ts';
export { WEBSOCKET_PATHS } from './transport/upgrade-handler.ts';
