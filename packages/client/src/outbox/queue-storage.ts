import { ERROR_CODES, type Mutation, mutationSchema } from '@wedsync/protocol';

/** A mutation waiting in the offline queue (R11.1): the wire mutation plus where and when it was made. */
export interface QueuedMutation extends Mutation {
  /** The channel topic (the record's scope) the mutation is sent on. */
  topic: string;
  /** When the user made the change (epoch ms). */
  createdAtMs: number;
  /**
   * The base stays where the user made the edit: a `manual` field it sets was changed by someone else
   * since, and the server must see that to report the conflict (R4.2). Never sent on the wire.
   */
  pinned?: true;
  /**
   * Saved delivery state: the server acknowledged it (at `ackedSeq`, when known) but its change was not
   * seen yet, so it must not travel again and stays in the view until that change arrives; and the
   * base it last travelled with. Never sent on the wire.
   */
  acked?: true;
  ackedSeq?: number;
  sentBase?: number;
}

/** A server-confirmed record as cached across reloads, with the channel it came from. */
export interface PersistedRecord {
  topic: string;
  c: string;
  id: string;
  v: number;
  /** Field id → value. */
  fields: Record<string, unknown>;
  del?: true;
}

/** The store's part of the saved document: confirmed records and the `seq` each channel is current to. */
export interface OutboxCache {
  lastSeq: Record<string, number>;
  records: PersistedRecord[];
}

/**
 * Everything a reload needs to resume (R11.1, R11.2), saved as one document so the queue, the
 * confirmed records and the `seq` they are current to never disagree.
 */
export interface PersistedSyncState {
  format: 1;
  /** Identity of this queue; generated once, kept forever. */
  clientId: string;
  /** The last mutation id handed out; ids are strictly increasing and never reused. */
  lastMid: number;
  /** Mutations whose change was not seen yet (acknowledged ones flagged `acked`), oldest first. */
  pending: QueuedMutation[];
  /** Per channel topic: the last `seq` whose change is reflected in `records`. */
  lastSeq: Record<string, number>;
  records: PersistedRecord[];
  /** When the server last acknowledged or sent something (epoch ms). */
  lastSyncedAtMs: number | null;
}

/**
 * Where the offline queue lives. `save` replaces the whole document atomically; adapters may be
 * synchronous (memory, `localStorage`) or asynchronous (file). `load` returns null when nothing was
 * saved and throws `QueueStorageError` (`VALIDATION_FAILED`) for a damaged document.
 */
export interface QueueStorage {
  load(): PersistedSyncState | null | Promise<PersistedSyncState | null>;
  save(state: PersistedSyncState): void | Promise<void>;
  clear(): void | Promise<void>;
}

export type QueueStorageErrorCode = 'VALIDATION_FAILED' | 'STORAGE_UNAVAILABLE';

export class QueueStorageError extends Error {
  readonly code: QueueStorageErrorCode;

  constructor(code: QueueStorageErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERROR_CODES[code].message, options);
    this.name = 'QueueStorageError';
    this.code = code;
  }
}

export function serializeSyncState(state: PersistedSyncState): string {
  return JSON.stringify(state);
}

/** Parses and checks a saved document; throws `QueueStorageError('VALIDATION_FAILED')` naming what is wrong. */
export function parseSyncState(text: string): PersistedSyncState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new QueueStorageError('VALIDATION_FAILED', 'The saved offline queue is not valid JSON', { cause: error });
  }
  const fail = (what: string): never => {
    throw new QueueStorageError('VALIDATION_FAILED', `The saved offline queue is damaged: ${what}`);
  };
  if (!isObject(raw)) return fail('not an object');
  if (raw.format !== 1) fail(`unknown format ${String(raw.format)}`);
  if (typeof raw.clientId !== 'string' || raw.clientId.length === 0) fail('clientId missing');
  if (!Number.isSafeInteger(raw.lastMid) || (raw.lastMid as number) < 0) fail('lastMid is not a non-negative integer');
  if (!Array.isArray(raw.pending)) return fail('pending is not a list');
  let previousMid = 0;
  for (const entry of raw.pending) {
    if (!isObject(entry) || typeof entry.topic !== 'string' || typeof entry.createdAtMs !== 'number') {
      fail('a pending mutation lacks topic or createdAtMs');
    }
    const { topic: _topic, createdAtMs: _createdAtMs, ...wire } = entry as Record<string, unknown>;
    const parsed = mutationSchema.safeParse(wire);
    if (!parsed.success) fail(`pending mutation is invalid (${parsed.error.issues[0]?.message ?? 'schema'})`);
    const mid = (entry as { mid: number }).mid;
    if (mid <= previousMid || mid > (raw.lastMid as number)) fail(`pending mids are not increasing up to lastMid`);
    previousMid = mid;
  }
  if (!isObject(raw.lastSeq) || !Object.values(raw.lastSeq).every((seq) => Number.isSafeInteger(seq))) {
    fail('lastSeq is not a map of integers');
  }
  if (!Array.isArray(raw.records)) return fail('records is not a list');
  for (const record of raw.records) {
    if (
      !isObject(record) ||
      typeof record.topic !== 'string' ||
      typeof record.c !== 'string' ||
      typeof record.id !== 'string' ||
      !Number.isSafeInteger(record.v) ||
      !isObject(record.fields)
    ) {
      fail('a cached record is malformed');
    }
  }
  if (raw.lastSyncedAtMs !== null && typeof raw.lastSyncedAtMs !== 'number') fail('lastSyncedAtMs is not a number');
  return raw as unknown as PersistedSyncState;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
