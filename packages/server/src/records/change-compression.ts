import { gzipSync } from 'node:zlib';
import {
  type Change,
  COMPRESSION_MIN_SAVING,
  COMPRESSION_THRESHOLD_BYTES,
  type CompressedValue,
  isCompressedValue,
  mapChangeSlots,
  mapRecordSlots,
  overCompressionThreshold,
  type RecordSnapshot,
  savesEnough,
} from '@wedsync/protocol';

export interface ValueCompressorOptions {
  /** Default `COMPRESSION_THRESHOLD_BYTES` (2 KiB of plain JSON). */
  thresholdBytes?: number;
  /** Default `COMPRESSION_MIN_SAVING` (0.2). */
  minSaving?: number;
  /** Plain JSON kept as cache keys, in UTF-16 code units; default 4 Mi (about 8 MiB). */
  cacheChars?: number;
}

export interface CompressionStats {
  /** Slots that went through gzip (cache misses). */
  gzipRuns: number;
  /** Slots answered from the cache (the same large value in another audience, replay or snapshot). */
  cacheHits: number;
}

/**
 * Compresses the large slots of outgoing changes and snapshot records (R12.2, DESIGN §7,
 * docs/protocol.md "Compressed values"). It runs where a change is projected for an audience, so a
 * message is compressed once and its one serialisation goes to every member of that audience; there
 * is no per-connection compression. Results are cached by the slot's plain JSON (bounded, least
 * recently used first out), so the same note body sent to several audiences, replayed to reconnecting
 * clients or put in snapshots is gzipped once, and the same `{ $gz }` object (same bytes) is reused.
 */
export class ValueCompressor {
  readonly stats: CompressionStats = { gzipRuns: 0, cacheHits: 0 };
  readonly #thresholdBytes: number;
  readonly #minSaving: number;
  readonly #cacheChars: number;
  /** Plain JSON → its compressed form, or null when compression does not save enough. */
  readonly #cache = new Map<string, CompressedValue | null>();
  #cachedChars = 0;

  constructor(options: ValueCompressorOptions = {}) {
    this.#thresholdBytes = options.thresholdBytes ?? COMPRESSION_THRESHOLD_BYTES;
    this.#minSaving = options.minSaving ?? COMPRESSION_MIN_SAVING;
    this.#cacheChars = options.cacheChars ?? 4 * 1024 * 1024;
  }

  /** The slot content to send: `{ $gz }` when large and worth it (or when it must be escaped), else as is. */
  compress(content: unknown): unknown {
    if (content === null || typeof content !== 'object') {
      // A JSON string has at most 6 bytes per UTF-16 unit (`\u001f`), plus its quotes.
      if (typeof content !== 'string' || content.length * 6 + 2 < this.#thresholdBytes) return content;
    }
    const mustEscape = isCompressedValue(content);
    const json = JSON.stringify(content);
    if (json === undefined) return content;
    const plainBytes = Buffer.byteLength(json);
    if (!mustEscape && !overCompressionThreshold(plainBytes, this.#thresholdBytes)) return content;
    const cached = this.#cache.get(json);
    if (cached !== undefined) {
      this.stats.cacheHits++;
      this.#cache.delete(json);
      this.#cache.set(json, cached);
      return cached ?? content;
    }
    this.stats.gzipRuns++;
    const base64 = gzipSync(json).toString('base64');
    const compressed = mustEscape || savesEnough(plainBytes, base64.length, this.#minSaving) ? { $gz: base64 } : null;
    this.#remember(json, compressed);
    return compressed ?? content;
  }

  /** A change with its large slots compressed; the same object when nothing was. */
  compressChange(change: Change): Change {
    return mapChangeSlots(change, (content) => this.compress(content));
  }

  /** A snapshot record with its large field values compressed; the same object when nothing was. */
  compressRecord(record: RecordSnapshot): RecordSnapshot {
    return mapRecordSlots(record, (content) => this.compress(content));
  }

  #remember(json: string, compressed: CompressedValue | null): void {
    if (json.length > this.#cacheChars) return;
    this.#cache.set(json, compressed);
    this.#cachedChars += json.length;
    for (const key of this.#cache.keys()) {
      if (this.#cachedChars <= this.#cacheChars) break;
      this.#cache.delete(key);
      this.#cachedChars -= key.length;
    }
  }
}

/** The compressor of this process's change delivery, replays and snapshots. */
export const changeCompressor = new ValueCompressor();
