// React bindings of @wedsync/client (DESIGN §6): a provider and hooks. Visual pieces live in
// @wedsync/react-ui and take what these hooks return as props.
export {
  CURSOR_EVENT,
  CURSOR_SEND_INTERVAL_MS,
  CURSOR_STALE_MS,
  type CursorMessage,
  type RemoteCursor,
  type RemoteCursors,
  useRemoteCursors,
} from './collaboration/use-remote-cursors.ts';
export {
  TYPING_EVENT,
  TYPING_SEND_INTERVAL_MS,
  TYPING_SHOWN_MS,
  type Typing,
  type TypingMessage,
  useTyping,
} from './collaboration/use-typing.ts';
export { type LockInfo, type LockTarget, LockTracker } from './locks/lock-tracker.ts';
export { type FieldLock, LOCK_RENEW_INTERVAL_MS, useFieldLock } from './locks/use-field-lock.ts';
export { RealtimeProvider, type RealtimeProviderProps, useRealtimeClient } from './realtime-context.tsx';
export { RecordStoreProvider, useRecordStore } from './records/record-store-context.tsx';
export { retainBinding } from './records/shared-binding.ts';
export { type ManualConflict, type ManualConflicts, useManualConflicts } from './records/use-manual-conflicts.ts';
export { useOutboxProgress } from './records/use-outbox-progress.ts';
export { useQuery } from './records/use-query.ts';
export { useRecord } from './records/use-record.ts';
export { useRecordChanges } from './records/use-record-changes.ts';
export { type RecordHistory, useRecordHistory } from './records/use-record-history.ts';
export { type SyncedChannel, useSyncedChannel } from './records/use-synced-channel.ts';
export { mapPosition, rebaseDraft, spliceBetween, type TextSplice } from './text/text-rebase.ts';
export {
  type CollaborativeText,
  type CollaborativeTextOptions,
  TEXT_SAVE_DELAY_MS,
  useCollaborativeText,
} from './text/use-collaborative-text.ts';
export { useBroadcast } from './use-broadcast.ts';
export { type ChannelHandle, useChannel } from './use-channel.ts';
export { useConnectionStatus } from './use-connection-status.ts';
export { useIdle } from './use-idle.ts';
export { useOnline } from './use-online.ts';
export { type PresencePeer, presencePeers, usePresence } from './use-presence.ts';
