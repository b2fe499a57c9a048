import {
  type ChangesPayload,
  type CompressedValue,
  compressedSlotsOf,
  isCompressedValue,
  mapChangeSlots,
  mapRecordSlots,
  type ResyncPayload,
} from '@wedsync/protocol';
import { gunzipJson } from './gzip-codec.ts';

export type InboundSyncPayload = ChangesPayload | ResyncPayload;

export interface InboundQueueOptions {
  /** What one payload's compressed values may expand to, in bytes; default 64 MiB. */
  maxDecompressedBytes?: number;
  /** Where an error thrown while applying a decoded payload goes (the queue carries on). */
  onError: (error: unknown) => void;
}

/**
 * Puts inbound sync payloads (`sync_changes`, `sync_resync`, snapshot replies) in front of the store in
 * arrival order (R12.2, R11.2). Decompression is asynchronous, so a payload with `{ $gz }` slots is
 * decoded (at once, in parallel with others) and applied only after every payload that arrived before
 * it; payloads arriving meanwhile wait their turn, so changes are never reordered. Fast path: with
 * nothing queued and nothing compressed, a payload is applied synchronously, with no async hop.
 */
export class InboundQueue {
  readonly #options: InboundQueueOptions;
  #tail: Promise<void> = Promise.resolve();
  #waiting = 0;

  constructor(options: InboundQueueOptions) {
    this.#options = options;
  }

  /** Payloads accepted but not yet applied (or failed). */
  get waiting(): number {
    return this.#waiting;
  }

  /** Resolves once every payload accepted so far has been applied (or has failed). */
  idle(): Promise<void> {
    return this.#tail;
  }

  /**
   * Applies `payload` (decoded) after everything accepted before it. `onDecodeError` gets a payload
   * that could not be decoded (it is not applied; the caller typically asks for a snapshot).
   */
  accept<P extends InboundSyncPayload>(
    payload: P,
    apply: (decoded: P) => void,
    onDecodeError: (error: unknown) => void,
  ): void {
    const slots = typeof payload === 'object' && payload !== null ? compressedSlotsOf(payload) : [];
    if (this.#waiting === 0 && slots.length === 0) {
      apply(payload);
      return;
    }
    this.#waiting++;
    const decoded =
      slots.length === 0
        ? Promise.resolve(payload)
        : inflatePayload(payload, slots, this.#options.maxDecompressedBytes ?? 64 * 1024 * 1024);
    decoded.catch(() => undefined); // handled in turn below
    this.#tail = this.#tail
      .then(async () => {
        let value: P;
        try {
          value = await decoded;
        } catch (error) {
          onDecodeError(error);
          return;
        }
        apply(value);
      })
      .catch((error: unknown) => {
        try {
          this.#options.onError(error);
        } catch {
          // The reporter itself failed; the queue must go on regardless.
        }
      })
      .finally(() => {
        this.#waiting--;
      });
  }
}

/**
 * The payload with every compressed slot replaced by its value; the parts without compressed slots
 * are kept as they are. Rejects when a slot does not decode or the payload's values expand beyond
 * `maxBytes` in all.
 */
export async function inflatePayload<P extends InboundSyncPayload>(
  payload: P,
  slots: readonly CompressedValue[] = compressedSlotsOf(payload),
  maxBytes = 64 * 1024 * 1024,
): Promise<P> {
  if (slots.length === 0) return payload;
  const unique = [...new Set(slots)];
  let budget = maxBytes;
  const values = new Map<CompressedValue, unknown>();
  // Decoded one after another so the byte budget holds across the payload.
  for (const slot of unique) {
    const { value, expandedBytes } = await gunzipJson(slot, budget);
    budget -= expandedBytes;
    values.set(slot, value);
  }
  const expand = (content: unknown) =>
    isCompressedValue(content) && values.has(content) ? values.get(content) : content;
  if ('records' in payload) {
    return { ...payload, records: payload.records.map((record) => mapRecordSlots(record, expand)) };
  }
  return { ...payload, changes: payload.changes.map((change) => mapChangeSlots(change, expand)) };
}
