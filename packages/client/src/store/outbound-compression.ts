import {
  COMPRESSION_MIN_SAVING,
  COMPRESSION_THRESHOLD_BYTES,
  type CompressedValue,
  isCompressedValue,
  type MutatePayload,
  mapOpSlots,
  overCompressionThreshold,
  savesEnough,
} from '@wedsync/protocol';
import { canCompress, gzipBase64, utf8Json } from './gzip-codec.ts';

export interface OutboundCompressionOptions {
  /** Default `COMPRESSION_THRESHOLD_BYTES` (2 KiB of plain JSON). */
  thresholdBytes?: number;
  /** Default `COMPRESSION_MIN_SAVING` (0.2). */
  minSaving?: number;
}

interface Candidate {
  plain: Uint8Array;
  /** A real value shaped like `{ $gz }`: always sent compressed (the escape rule). */
  mustEscape: boolean;
}

/**
 * The slots of a `sync_mutate` payload that are worth trying to compress (R12.2): plain JSON at least
 * the threshold, or a value that must be escaped. Empty for the usual small mutations, which then
 * travel without any asynchronous step. Keyed by the slot's content (the same content is compressed once).
 */
export function compressionCandidates(
  payload: MutatePayload,
  options: OutboundCompressionOptions = {},
): Map<unknown, Candidate> {
  const thresholdBytes = options.thresholdBytes ?? COMPRESSION_THRESHOLD_BYTES;
  const candidates = new Map<unknown, Candidate>();
  const consider = (content: unknown) => {
    if (candidates.has(content)) return content;
    if (content === null || typeof content !== 'object') {
      // A JSON string has at most 6 bytes per UTF-16 unit (`\u001f`), plus its quotes.
      if (typeof content !== 'string' || content.length * 6 + 2 < thresholdBytes) return content;
    }
    const mustEscape = isCompressedValue(content);
    const plain = utf8Json(content);
    if (mustEscape || overCompressionThreshold(plain.byteLength, thresholdBytes)) {
      candidates.set(content, { plain, mustEscape });
    }
    return content;
  };
  for (const mutation of payload.mutations) mapOpSlots(mutation.ops, consider);
  return candidates;
}

/**
 * The payload with its large slots as `{ $gz }` where that saves at least `minSaving` (escaped values
 * always). Mutations are not changed in place. Never rejects: if this platform cannot compress, or
 * compression fails, the payload goes plain (the server's frame limit then applies as before).
 */
export async function compressMutatePayload(
  payload: MutatePayload,
  candidates = compressionCandidates(payload),
  options: OutboundCompressionOptions = {},
): Promise<MutatePayload> {
  if (candidates.size === 0 || !canCompress()) return payload;
  const minSaving = options.minSaving ?? COMPRESSION_MIN_SAVING;
  try {
    const compressed = new Map<unknown, CompressedValue>();
    await Promise.all(
      [...candidates].map(async ([content, { plain, mustEscape }]) => {
        const base64 = await gzipBase64(plain);
        if (mustEscape || savesEnough(plain.byteLength, base64.length, minSaving))
          compressed.set(content, { $gz: base64 });
      }),
    );
    if (compressed.size === 0) return payload;
    const swap = (content: unknown) => compressed.get(content) ?? content;
    return {
      ...payload,
      mutations: payload.mutations.map((mutation) => {
        const ops = mapOpSlots(mutation.ops, swap);
        return ops === mutation.ops ? mutation : { ...mutation, ops };
      }),
    };
  } catch {
    return payload;
  }
}
