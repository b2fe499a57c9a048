import type { Change, ChangesPayload, FieldOp, MutatePayload, RecordSnapshot, ResyncPayload } from './sync-messages.ts';

/**
 * Large values compressed once per message (R12.2, DESIGN §7, docs/decisions/0006). A compressed
 * value is `{ "$gz": "<base64 of gzip(UTF-8 JSON of the value)>" }` and may stand in exactly these
 * slots (nowhere else; history replies, conflicts and broadcasts are never compressed):
 * - `v` of a `set` or `add` op (mutations and changes);
 * - `op` of a `text` op — the whole `ot-text-unicode` op array;
 * - a field value in `fields` of a snapshot record (`sync_resync`, the `sync_snapshot` reply).
 * A sender compresses a slot only when its plain JSON is at least `COMPRESSION_THRESHOLD_BYTES` UTF-8
 * bytes and the compressed form saves at least `COMPRESSION_MIN_SAVING` of them. Escape rule: a real
 * value that itself looks like a compressed value (an object whose only key is `$gz`, a string) is
 * always sent compressed, whatever its size, so a receiver decodes every `{ $gz }` slot exactly once.
 */
export const COMPRESSED_VALUE_KEY = '$gz';

export interface CompressedValue {
  $gz: string;
}

/** Plain JSON of a slot below this many UTF-8 bytes always travels as it is. */
export const COMPRESSION_THRESHOLD_BYTES = 2048;
/** The compressed form must be at most `1 - COMPRESSION_MIN_SAVING` of the plain JSON's bytes. */
export const COMPRESSION_MIN_SAVING = 0.2;
/**
 * Server limit on what one `sync_mutate` message's compressed values expand to, in bytes, summed
 * over the message (zip-bomb guard). Beyond it the message is refused with `PAYLOAD_TOO_LARGE`.
 */
export const MAX_DECOMPRESSED_BYTES_PER_MESSAGE = 1_048_576;

/** `{"$gz":""}`: the bytes a compressed value adds around its base64 text. */
const WRAPPER_BYTES = 10;

/** True for an object whose only own key is `$gz` with a string value. */
export function isCompressedValue(value: unknown): value is CompressedValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === COMPRESSED_VALUE_KEY && typeof (value as CompressedValue).$gz === 'string';
}

/**
 * Whether a slot whose plain JSON has `plainBytes` UTF-8 bytes is worth compressing at all; the
 * caller checks `savesEnough` once it has the compressed size.
 */
export function overCompressionThreshold(plainBytes: number, thresholdBytes = COMPRESSION_THRESHOLD_BYTES): boolean {
  return plainBytes >= thresholdBytes;
}

/** Whether base64 text of `base64Length` characters, wrapped, saves enough over `plainBytes`. */
export function savesEnough(plainBytes: number, base64Length: number, minSaving = COMPRESSION_MIN_SAVING): boolean {
  return base64Length + WRAPPER_BYTES <= plainBytes * (1 - minSaving);
}

/**
 * Replaces the compressible slots of ops through `slot` (given the slot's current content, it returns
 * the new one). Ops whose slot comes back unchanged are kept as the same objects, and so is the array
 * when nothing changed, so an uncompressed message is never copied.
 */
export function mapOpSlots(ops: readonly FieldOp[], slot: (content: unknown) => unknown): FieldOp[] {
  let out: FieldOp[] | undefined;
  ops.forEach((op, index) => {
    if (typeof op !== 'object' || op === null) return;
    let next: FieldOp = op;
    if (op.k === 'set' || op.k === 'add') {
      const v = slot(op.v);
      if (v !== op.v) next = { ...op, v };
    } else if (op.k === 'text') {
      const content = slot(op.op);
      if (content !== op.op) next = { ...op, op: content as typeof op.op };
    }
    if (next !== op) {
      out ??= ops.slice();
      out[index] = next;
    }
  });
  return out ?? (ops as FieldOp[]);
}

/** A change with its op slots mapped; the same object when nothing changed. */
export function mapChangeSlots(change: Change, slot: (content: unknown) => unknown): Change {
  const ops = mapOpSlots(change.ops, slot);
  return ops === change.ops ? change : { ...change, ops };
}

/** A snapshot record with its field values mapped; the same object when nothing changed. */
export function mapRecordSlots(record: RecordSnapshot, slot: (content: unknown) => unknown): RecordSnapshot {
  let fields: Record<string, unknown> | undefined;
  for (const [f, value] of Object.entries(record.fields)) {
    const next = slot(value);
    if (next !== value) {
      fields ??= { ...record.fields };
      fields[f] = next;
    }
  }
  return fields ? { ...record, fields } : record;
}

/** Every compressed slot of a `sync_changes`, `sync_resync` or `sync_mutate` payload, in order. */
export function compressedSlotsOf(payload: ChangesPayload | ResyncPayload | MutatePayload): CompressedValue[] {
  const found: CompressedValue[] = [];
  const visit = (content: unknown) => {
    if (isCompressedValue(content)) found.push(content);
    return content;
  };
  // Tolerant of malformed input: a part without the expected shape has no slots.
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const opsOf = (item: unknown) => list((item as { ops?: unknown } | null)?.ops) as FieldOp[];
  if ('records' in payload) {
    for (const record of list(payload.records)) {
      const fields = (record as RecordSnapshot | null)?.fields;
      if (typeof fields === 'object' && fields !== null) for (const value of Object.values(fields)) visit(value);
    }
  } else if ('mutations' in payload) for (const mutation of list(payload.mutations)) mapOpSlots(opsOf(mutation), visit);
  else for (const change of list(payload.changes)) mapOpSlots(opsOf(change), visit);
  return found;
}
