/**
 * Event names. The Phoenix/Supabase ones keep their Supabase Realtime meaning (reference:
 * shared/reference/supabase-realtime-protocol.md); the `sync_*`, `lock*` and `history*` events are ours.
 */
export const PHOENIX_TOPIC = 'phoenix';

export const EVENTS = {
  join: 'phx_join',
  leave: 'phx_leave',
  reply: 'phx_reply',
  close: 'phx_close',
  error: 'phx_error',
  heartbeat: 'heartbeat',
  broadcast: 'broadcast',
  presence: 'presence',
  presenceState: 'presence_state',
  presenceDiff: 'presence_diff',
  postgresChanges: 'postgres_changes',
  accessToken: 'access_token',
  system: 'system',
  /** client→server: a batch of record mutations; the reply carries one result per mutation. */
  mutate: 'sync_mutate',
  /** server→client: committed changes, stamped with `seq`, batched. */
  changes: 'sync_changes',
  /** server→client: the gap could not be replayed; carries a snapshot and the `seq` it is current to. */
  resync: 'sync_resync',
  /** client→server: ask for a snapshot of the channel's records (reply carries it). */
  snapshot: 'sync_snapshot',
  /** client→server: acquire | renew | release a field or record lock. */
  lock: 'lock',
  /** server→client: a lock on a record or field of this channel changed hands. */
  lockState: 'lock_state',
  /** client→server: list a record's versions. */
  history: 'history',
  /** client→server: roll a record back to a version (a new version). */
  rollback: 'rollback',
} as const;

export type EventName = (typeof EVENTS)[keyof typeof EVENTS];
