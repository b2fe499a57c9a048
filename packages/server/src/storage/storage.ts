import type { Fields, SchemaIndex } from '@wedsync/merge';
import type {
  Change,
  Conflict,
  FieldOp,
  HistoryEntry,
  LockHolder,
  Mutation,
  MutationResult,
  RecordSnapshot,
} from '@wedsync/protocol';

/**
 * The storage seam (DESIGN §1, §5): the durable, ordered change log and everything that must be
 * checked inside a write transaction (merges, locks, replay protection). Adapters: PGlite (embedded
 * default) and PostgreSQL, from one set of migrations (`@wedsync/storage-postgres`).
 *
 * Contract (the shared contract suite runs it against every adapter):
 * - `seq` is global, strictly increasing and **commit-ordered**: once a reader has seen `seq` n,
 *   no change with a smaller `seq` can commit later, and there are no permanent holes that a reader
 *   waits on.
 * - A mutation is applied at most once per `(clientId, mid)`: a replay returns `duplicate` with the
 *   version and seq it got the first time; `lastMutationId` is kept in the database. Every
 *   processed mid counts, also one that was rejected or conflicted: a retry needs a new mid.
 * - Every mutation of a batch is independent: one rejected mutation leaves the others applied.
 * - Concurrent `commit` calls may share one transaction (group commit, DESIGN §7): each call's result
 *   is the one it would get committed alone right after the calls before it, it resolves only after
 *   that transaction committed, and its changes' seqs are consecutive.
 * - Causal context (`mergeMutation` in `@wedsync/merge`): a mutation's ops apply to the record at
 *   `base` followed by the same client's earlier mutations of that record naming the same `base`.
 *   So a client may send several mutations of one record (one batch, or more while they are in
 *   flight) all with one base; everything else committed after the base is concurrent and merged.
 * - Field locks are checked inside the write transaction: a write to a field (or record) locked by
 *   another user is rejected with `FIELD_LOCKED` / `RECORD_LOCKED`, `details.holder` naming them.
 *   A user's own locks never block their writes (other tabs, offline replay after a reconnect).
 *   Lock ownership for acquire/renew/release is by session when both sides name one, else by user.
 * - A deleted record refuses further writes with `RECORD_NOT_FOUND`; deleting it again is `applied`
 *   with the deleting version.
 * - Every committed version is kept as history; rollback writes a new version.
 * - Times are epoch milliseconds inside the seam; ISO 8601 strings on the wire.
 */

/** Identity of whoever writes: the user, and (for locks) the session that holds them. */
export interface Actor {
  userId: string;
  /** Display name stored with locks and shown to others ("Bob is editing this"). */
  name: string;
  /** The connection (session) id; locks are released when it disconnects. */
  sessionId?: string;
}

/** A version being committed, as a `DeriveRecords` hook sees it (fields keyed by field id). */
export interface DerivingVersion {
  scope: string;
  c: string;
  id: string;
  v: number;
  ops: FieldOp[];
  del: boolean;
  /** The record's fields before this version; undefined when this version creates the record. */
  before: Fields | undefined;
  /** The fields after it (for a delete: the fields it had, so a hook can say what was deleted). */
  after: Fields;
  by: string;
  atMs: number;
}

/** A record a committed version implies (e.g. an activity feed item), created with it. */
export interface DerivedRecord {
  scope: string;
  c: string;
  /** Deterministic per cause version (e.g. built from its c, id and v): a derived record whose id exists is skipped. */
  id: string;
  /** The ops that create it (all fields it has). */
  ops: FieldOp[];
  /** Its author in history and the log; default the cause's author. */
  by?: string;
}

/**
 * Records implied by committed versions, written in the SAME transaction as their cause (DESIGN §3:
 * derived data such as the activity feed cannot be lost between a change and its description). Called
 * once per version about to be written, while the write holds its locks: it must be synchronous,
 * pure and fast. A derived record of an unknown collection or with invalid ops is left out; a hook
 * that throws fails the whole request (wrap it, as `attachRecordSync` does, to report and go on).
 */
export type DeriveRecords = (version: DerivingVersion) => readonly DerivedRecord[];

export interface CommitRequest {
  /** The offline queue that made these mutations (one per device/tab storage). */
  clientId: string;
  actor: Actor;
  /**
   * The scope (log partition) the records belong to, e.g. `wedding:w1`. A record is created in the
   * scope of its first mutation and stays there; a mutation to an existing record from another
   * scope is rejected with `FORBIDDEN`.
   */
  scope: string;
  mutations: Mutation[];
  schemas: SchemaIndex;
  /** Injected clock for tests; epoch ms. */
  nowMs: number;
  /** Records the applied versions imply, written in the same transaction; see `DeriveRecords`. */
  derive?: DeriveRecords;
}

export interface CommitResult {
  /** One result per mutation, in request order. */
  results: MutationResult[];
  /** The changes committed by this request, derived records' included, in `seq` order (for fan-out). */
  changes: StoredChange[];
}

/** A change as kept in the log: the wire `Change` plus its scope. */
export interface StoredChange extends Change {
  scope: string;
}

export interface StoredRecord extends RecordSnapshot {
  scope: string;
  /** `seq` of the change that produced this version. */
  seq: number;
  updatedBy: string;
  updatedAtMs: number;
}

export interface LockRequestInput {
  scope: string;
  c: string;
  id: string;
  /** Field id; absent for a record-level lock (R10.2). */
  f?: number;
  holder: Actor;
  /** Default 30 000 (R4.1). */
  ttlMs: number;
  nowMs: number;
}

export interface LockRow {
  scope: string;
  c: string;
  id: string;
  f?: number;
  holder: LockHolder & { sessionId?: string };
  expiresAtMs: number;
}

export type LockResult =
  | { ok: true; lock: LockRow }
  | { ok: false; code: 'FIELD_LOCKED' | 'RECORD_LOCKED'; lock: LockRow };

export interface RollbackRequest {
  scope: string;
  c: string;
  id: string;
  toVersion: number;
  actor: Actor;
  clientId?: string;
  schemas: SchemaIndex;
  nowMs: number;
  /** Records the rollback's version implies, written in the same transaction; see `DeriveRecords`. */
  derive?: DeriveRecords;
}

export interface Storage {
  /** Applies the migrations (idempotent). */
  migrate(): Promise<void>;
  commit(request: CommitRequest): Promise<CommitResult>;
  /** Changes with `seq > afterSeq` in any of `scopes`, in `seq` order, at most `limit`. */
  changesSince(scopes: readonly string[], afterSeq: number, limit: number): Promise<StoredChange[]>;
  /** The highest committed `seq` (0 when the log is empty). */
  headSeq(): Promise<number>;
  /**
   * One more than the highest pruned `seq`: a reader at cursor `c` can replay iff `c + 1 >= oldestRetainedSeq()`.
   */
  oldestRetainedSeq(): Promise<number>;
  /**
   * Deletes the longest seq-prefix of the log whose entries are all older than `olderThanMs`
   * (history of records is kept) and returns how many were deleted.
   */
  pruneLog(olderThanMs: number): Promise<number>;
  /** Current records of the scopes (deleted ones included with `del`), and the `seq` they are current to. */
  snapshot(scopes: readonly string[]): Promise<{ seq: number; records: StoredRecord[] }>;
  getRecord(c: string, id: string): Promise<StoredRecord | undefined>;
  lastMutationId(clientId: string): Promise<number>;
  acquireLock(request: LockRequestInput): Promise<LockResult>;
  /** Renews only a lock the same holder (session) holds. */
  renewLock(request: LockRequestInput): Promise<LockResult | { ok: false; code: 'LOCK_NOT_HELD' }>;
  releaseLock(request: Omit<LockRequestInput, 'ttlMs'>): Promise<boolean>;
  /** Releases every lock of a session (disconnect/leave); returns the released locks for notices. */
  releaseLocksOfSession(sessionId: string): Promise<LockRow[]>;
  /** Live (unexpired at `nowMs`) locks in a scope. */
  locksIn(scope: string, nowMs: number): Promise<LockRow[]>;
  /** Deletes expired locks and returns them (so their release can be announced). */
  expireLocks(nowMs: number): Promise<LockRow[]>;
  history(c: string, id: string, options?: { limit?: number; before?: number }): Promise<HistoryEntry[]>;
  /**
   * Writes a new version equal to version `toVersion` (R4.2), audited as a rollback by `actor`.
   * Errors: RECORD_NOT_FOUND, VERSION_NOT_FOUND, FORBIDDEN (other scope), UNKNOWN_COLLECTION,
   * FIELD_LOCKED / RECORD_LOCKED (another user's lock on a field it changes; details.holder).
   */
  rollback(
    request: RollbackRequest,
  ): Promise<
    | { change: StoredChange; derived: StoredChange[] }
    | { error: { code: string; message: string; details?: Record<string, unknown> } }
  >;
  close(): Promise<void>;
}

export type { Conflict, FieldOp };
