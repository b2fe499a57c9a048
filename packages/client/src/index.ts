/** @wedsync/client — the isomorphic realtime SDK (connection, channels, presence). */
export { Channel } from './channels/channel.ts';
export type {
  BroadcastHandler,
  ChannelOptions,
  ChannelState,
  ChannelStateListener,
  FrameHandler,
  JoinConfig,
  JoinConfigExtras,
  PushOptions,
} from './channels/channel-options.ts';
export { SubscriptionScope, type SubscriptionScopeOptions } from './channels/subscription-scope.ts';
export { type BackoffOptions, backoffCeilingMs, backoffDelayMs, DEFAULT_BACKOFF } from './connection/backoff.ts';
export type { ConnectionState, ConnectionStatus, StatusListener } from './connection/connection-status.ts';
export { isTokenCode, RealtimeError } from './connection/realtime-error.ts';
export { systemTimers, type Timers } from './connection/timers.ts';
export { readTokenTimes, refreshAtMs, type TokenProvider, type TokenTimes } from './connection/token-source.ts';
export { Batcher, type BatcherOptions } from './debounce/batcher.ts';
export {
  BATCH_INTERVAL_MS,
  DEBOUNCE_DELAY_MS,
  type DebouncePolicy,
  INPUT_KINDS,
  type InputKind,
} from './debounce/debounce-policy.ts';
export { FieldDebouncer, type FieldDebouncerOptions } from './debounce/field-debouncer.ts';
export type { UnloadTarget } from './debounce/unload-target.ts';
export { type BatteryLike, BatteryPolicy, type BatteryPolicyOptions } from './device/battery-policy.ts';
export {
  DeviceSync,
  type DeviceSyncClient,
  type DeviceSyncOptions,
  type ManagedChannel,
  type PauseReason,
  type PendingWrites,
  type VisibilityLike,
} from './device/device-sync.ts';
export {
  CONSTRAINED_INTERVALS_MS,
  type ConstraintReason,
  type EphemeralIntervals,
  type EphemeralKind,
  type NetworkInformationLike,
  NetworkPolicy,
  type NetworkPolicyOptions,
  NORMAL_INTERVALS_MS,
} from './device/network-policy.ts';
export { outboxPendingWrites } from './device/pending-writes.ts';
export { UpdateCoalescer } from './device/update-coalescer.ts';
export {
  DEFAULT_QUEUE_STORAGE_KEY,
  LocalStorageQueueStorage,
  type StorageLike,
} from './outbox/local-storage-queue-storage.ts';
export { MemoryQueueStorage } from './outbox/memory-queue-storage.ts';
export { Outbox } from './outbox/outbox.ts';
export type {
  ConflictEvent,
  MutationSender,
  OutboxEntry,
  OutboxEntryState,
  OutboxEvents,
  OutboxOptions,
  OutboxProgress,
  RejectedEvent,
} from './outbox/outbox-types.ts';
export {
  type IndexedStorageLike,
  LocalStorageQueueShelf,
  type QueueLease,
  type QueueShelf,
} from './outbox/queue-shelf.ts';
export {
  type OutboxCache,
  type PersistedRecord,
  type PersistedSyncState,
  type QueuedMutation,
  type QueueStorage,
  QueueStorageError,
} from './outbox/queue-storage.ts';
export type { PresenceStatus } from './presence/channel-presence.ts';
export type {
  PresenceChangeHandler,
  PresenceEntry,
  PresenceSyncHandler,
  PresenceView,
} from './presence/presence-store.ts';
export { RealtimeClient, type RealtimeClientOptions } from './realtime-client.ts';
export { type BindOptions, bindChannel, type SyncChannel } from './store/channel-binding.ts';
export type { OrphanQueueOptions } from './store/orphan-queues.ts';
export {
  type ChannelRegistration,
  type MutationOptions,
  RecordStore,
  type RecordStoreOptions,
} from './store/record-store.ts';
export {
  type ChangeSource,
  type FieldChange,
  type RecordChangeInfo,
  type RecordView,
  StoreError,
  type StoreListener,
} from './store/store-types.ts';
export {
  createHttpTelemetrySender,
  type HttpTelemetrySenderOptions,
  TelemetrySendError,
} from './telemetry/http-telemetry-sender.ts';
export { collectDiagnostics, type DiagnosticSources, sendProblemReport } from './telemetry/problem-report.ts';
export {
  SyncTelemetry,
  type SyncTelemetryOptions,
  type TelemetryClient,
  type TelemetryOutbox,
  type TelemetrySend,
} from './telemetry/sync-telemetry.ts';
export {
  type FetchLike,
  LongPollSocket,
  type LongPollSocketOptions,
  longPollUrl,
} from './transports/long-poll-socket.ts';
export {
  type LongPollFallbackOptions,
  type TransportKind,
  TransportSelector,
  type TransportSelectorOptions,
} from './transports/transport-selector.ts';
export type { ClientStatus, ClientStatusListener } from './transports/transport-status.ts';
export type { WebSocketConstructor, WebSocketLike } from './transports/websocket-transport.ts';
export {
  type DataUsage,
  DataUsageMeter,
  type DataUsageOptions,
  localDayKey,
  type UsageStorage,
} from './usage/data-usage.ts';
