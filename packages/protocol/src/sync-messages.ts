import { z } from 'zod';

/**
 * Our record-sync events (DESIGN §1–2). Fields travel by numeric id, not name (R12.2); only changed
 * fields travel. Field kinds decide the merge: `lww`, `text` (OT), `list` (append/remove by item id),
 * `manual` (conflict returned as data).
 */
export const FIELD_KINDS = ['lww', 'text', 'list', 'manual'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

export interface FieldSchema {
  /** Short numeric id used on the wire; stable forever once assigned. */
  id: number;
  kind: FieldKind;
}

export interface CollectionSchema {
  name: string;
  fields: Record<string, FieldSchema>;
}

export const MAX_MUTATIONS_PER_BATCH = 100;
export const MAX_OPS_PER_MUTATION = 200;

const json: z.ZodType<unknown> = z.unknown();
const fieldId = z.number().int().nonnegative().max(65_535);
const recordId = z.string().min(1).max(128);
const collection = z.string().min(1).max(64);

/** An `ot-text-unicode` operation: skip (number), insert (string), delete ({ d: count } or { d: string }). */
export const textOpSchema = z
  .array(
    z.union([
      z.number().int().positive(),
      z.string(),
      z.object({ d: z.union([z.number().int().positive(), z.string()]) }),
    ]),
  )
  .max(10_000);

export const fieldOpSchema = z.discriminatedUnion('k', [
  /** lww or manual: replace the value. */
  z.object({ k: z.literal('set'), f: fieldId, v: json }),
  /** text: apply an OT operation to the value at the mutation's base version. */
  z.object({ k: z.literal('text'), f: fieldId, op: textOpSchema }),
  /** list: append an item with a client-chosen unique id. */
  z.object({ k: z.literal('add'), f: fieldId, id: z.string().min(1).max(128), v: json }),
  /** list: remove the item with this id (removing an absent item is a no-op). */
  z.object({ k: z.literal('remove'), f: fieldId, id: z.string().min(1).max(128) }),
]);
export type FieldOp = z.infer<typeof fieldOpSchema>;

export const mutationSchema = z.object({
  /** Mutation id: a positive integer, strictly increasing per clientId. */
  mid: z.number().int().positive(),
  c: collection,
  id: recordId,
  /** The record version the client edited against; 0 for a record it believes new. */
  base: z.number().int().nonnegative(),
  ops: z.array(fieldOpSchema).max(MAX_OPS_PER_MUTATION),
  /** Delete the record. */
  del: z.literal(true).optional(),
});
export type Mutation = z.infer<typeof mutationSchema>;

export const mutatePayloadSchema = z.object({
  /** Identity of the offline queue that made the mutations (one per device/tab storage). */
  clientId: z.string().min(1).max(128),
  mutations: z.array(mutationSchema).min(1).max(MAX_MUTATIONS_PER_BATCH),
});
export type MutatePayload = z.infer<typeof mutatePayloadSchema>;

/** A `manual` field edited against a value that has since changed (R4.2). */
export interface Conflict {
  f: number;
  base: unknown;
  mine: unknown;
  theirs: unknown;
  /** Who wrote `theirs`, and when (ISO 8601). */
  by: string;
  at: string;
  /** The record version that holds `theirs`. */
  v: number;
}

export type MutationResult =
  | { mid: number; status: 'applied'; v: number; seq: number; conflicts?: Conflict[] }
  /** Already applied earlier (a replay): acknowledged again, not applied twice. */
  | { mid: number; status: 'duplicate'; v?: number; seq?: number }
  /** Nothing applied: every op hit a conflict. The client resolves with a new mutation. */
  | { mid: number; status: 'conflict'; v: number; conflicts: Conflict[] }
  | { mid: number; status: 'rejected'; code: string; message: string; details?: Record<string, unknown> };

export interface MutateReply {
  results: MutationResult[];
}

/** One committed change as delivered to subscribers (already projected for their audience). */
export interface Change {
  seq: number;
  c: string;
  id: string;
  v: number;
  /** The ops as committed (text ops transformed to apply on version v-1). */
  ops: FieldOp[];
  del?: true;
  /** Actor user id (or an anonymised label for audiences that may not see it). */
  by: string;
  at: string;
  /** The originating client and mutation id, so an echo is recognised and never re-applied. */
  cid?: string;
  mid?: number;
}

export interface ChangesPayload {
  changes: Change[];
  /** True when these changes are a replay of a gap after a rejoin. */
  replay?: boolean;
}

export interface RecordSnapshot {
  c: string;
  id: string;
  v: number;
  /** Field id → value. */
  fields: Record<string, unknown>;
  del?: true;
}

/** Sent instead of a replay when the gap is older than the retained window, and as a requested snapshot. */
export interface ResyncPayload {
  reason: 'RESYNC_REQUIRED' | 'SNAPSHOT';
  /** The channel is current up to this `seq`. */
  seq: number;
  records: RecordSnapshot[];
}

export const snapshotRequestSchema = z.object({}).loose();

export const lockRequestSchema = z.object({
  action: z.enum(['acquire', 'renew', 'release']),
  c: collection,
  id: recordId,
  /** Field id; absent for a record-level lock (R10.2). */
  f: fieldId.optional(),
});
export type LockRequest = z.infer<typeof lockRequestSchema>;

export interface LockHolder {
  userId: string;
  name: string;
}

export interface LockStatePayload {
  c: string;
  id: string;
  f?: number;
  holder: LockHolder | null;
  expiresAt?: string;
}

export const historyRequestSchema = z.object({
  c: collection,
  id: recordId,
  limit: z.number().int().positive().max(500).optional(),
  /** Only versions older than this one. */
  before: z.number().int().positive().optional(),
});

export interface HistoryEntry {
  v: number;
  seq: number;
  by: string;
  at: string;
  ops: FieldOp[];
  /** The record's full field values after this version. */
  fields: Record<string, unknown>;
  /** Set when this version is a rollback to an earlier one. */
  rollbackOf?: number;
  /** Set when this version deleted the record. */
  del?: true;
}

export const rollbackRequestSchema = z.object({ c: collection, id: recordId, to: z.number().int().positive() });
