// React bindings of @wedsync/client (DESIGN §6): a provider and hooks. Visual pieces live in
// @wedsync/react-ui and take what these hooks return as props.
export { type LockInfo, type LockTarget, LockTracker } from './locks/lock-tracker.ts';
export { type FieldLock, LOCK_RENEW_INTERVAL_MS, useFieldLock } from './locks/use-field-lock.ts';
export { RealtimeProvider, type RealtimeProviderProps, useRealtimeClient } from './realtime-context.tsx';
export { RecordStoreProvider, useRecordStore } from './records/record-store-context.tsx';
export { useOutboxProgress } from './records/use-outbox-progress.ts';
export { useQuery } from './records/use-query.ts';
export { useRecord } from './records/use-record.ts';
export { useRecordChanges } from './records/use-record-changes.ts';
export { type SyncedChannel, useSyncedChannel } from './records/use-synced-channel.ts';
export { useBroadcast } from './use-broadcast.ts';
export { type ChannelHandle, useChannel } from './use-channel.ts';
export { useConnectionStatus } from './use-connection-status.ts';
export { useIdle } from './use-idle.ts';
export { useOnline } from './use-online.ts';
export { type PresencePeer, presencePeers, usePresence } from './use-presence.ts';
