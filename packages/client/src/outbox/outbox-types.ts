import type { Conflict, MutatePayload, MutateReply, MutationResult } from '@wedsync/protocol';
import type { Timers } from '../connection/timers.ts';
import type { QueuedMutation, QueueStorage } from './queue-storage.ts';
import type { RetryDelays } from './retry-policy.ts';

/** queued: waiting to travel; sending: in the batch in flight; acked: committed, its change not yet seen. */
export type OutboxEntryState = 'queued' | 'sending' | 'acked';

export interface OutboxEntry {
  mutation: QueuedMutation;
  state: OutboxEntryState;
  /** The `seq` the server committed it at, once acknowledged. */
  ackedSeq: number | undefined;
  /** The base it last travelled with (the server may have applied it with that base). */
  sentBase: number | undefined;
}

/** How the outbox reaches the server for one channel topic (the store adapts a channel to this). */
export interface MutationSender {
  /** True while the channel is joined. */
  ready(): boolean;
  /** Pushes `sync_mutate`; rejects with `{ code, message, details }` on timeout, disconnect or an error reply. */
  send(payload: MutatePayload, timeoutMs: number): Promise<MutateReply>;
}

/** Sync progress for the UI (R11.2, R11.3): counts since the outbox opened. */
export interface OutboxProgress {
  /** Mutations not yet acknowledged by the server (the queue badge). */
  queued: number;
  /** Mutations in the batch in flight. */
  sending: number;
  done: number;
  failed: number;
  conflicts: number;
  /** When the server last acknowledged or sent something (epoch ms); null if never. */
  lastSyncedAtMs: number | null;
  /** When the next retry is due (epoch ms) while waiting after a failure or a rate limit. */
  retryAtMs: number | null;
}

export interface RejectedEvent {
  mutation: QueuedMutation;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A `manual` field was edited against a value that has since changed (R4.2); `applied` tells whether the rest went in. */
export interface ConflictEvent {
  mutation: QueuedMutation;
  conflicts: Conflict[];
  applied: boolean;
}

export interface OutboxEvents extends Record<string, unknown> {
  progress: OutboxProgress;
  acked: { mutation: QueuedMutation; result: MutationResult };
  rejected: RejectedEvent;
  conflict: ConflictEvent;
  /** The queue could not be saved (e.g. storage full); the outbox keeps working in memory. */
  error: Error;
}

export interface OutboxOptions {
  storage: QueueStorage;
  timers?: Timers;
  /** Mutations per `sync_mutate`; default and maximum 100 (R12.2). */
  batchSize?: number;
  /** How long to wait for a reply before resending the same batch; default 10 000 ms (R15.1). */
  pushTimeoutMs?: number;
  retryDelays?: Partial<RetryDelays>;
  generateClientId?: () => string;
  /**
   * True when `later` may not travel before `earlier` (unsettled: acknowledged or earlier in the same
   * batch) is settled, i.e. its change seen. Default: any two mutations of one record.
   */
  mustWaitFor?: (later: OutboxEntry, earlier: OutboxEntry) => boolean;
  /** Called just before an entry leaves the queue uncommitted (rejected or all in conflict). */
  beforeDrop?: (entry: OutboxEntry) => void;
}
