import type { CompressedValue } from '@wedsync/protocol';

/**
 * gzip of UTF-8 JSON as base64 — the `{ $gz }` value form (R12.2, docs/protocol.md "Compressed
 * values") — with the platform's `CompressionStream` / `DecompressionStream` (modern browsers and
 * Node ≥ 18), so the SDK needs no zlib. Both are asynchronous.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Whether this platform can compress (the SDK then sends plain values). */
export function canCompress(): boolean {
  return typeof CompressionStream === 'function';
}

/** Whether this platform can decompress. */
export function canDecompress(): boolean {
  return typeof DecompressionStream === 'function';
}

export function utf8Json(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** gzip of already encoded UTF-8 JSON, as base64 text. */
export async function gzipBase64(plain: Uint8Array): Promise<string> {
  return bytesToBase64(await transform(plain, new CompressionStream('gzip'), Number.POSITIVE_INFINITY));
}

/**
 * The value inside a `{ $gz }`. Rejects when the text is not base64 of gzip of UTF-8 JSON, or when it
 * expands beyond `maxBytes` (reading stops there).
 */
export async function gunzipJson(
  compressed: CompressedValue,
  maxBytes: number,
): Promise<{ value: unknown; expandedBytes: number }> {
  if (!canDecompress()) throw new Error('This platform has no DecompressionStream to read a compressed value');
  const bytes = await transform(base64ToBytes(compressed.$gz), new DecompressionStream('gzip'), maxBytes);
  return { value: JSON.parse(decoder.decode(bytes)), expandedBytes: bytes.byteLength };
}

async function transform(input: Uint8Array, stream: CompressionStream | DecompressionStream, maxBytes: number) {
  const writer = stream.writable.getWriter();
  // Written while the readable side is drained below (backpressure); failures surface on read.
  writer.write(input as Uint8Array<ArrayBuffer>).catch(() => undefined);
  writer.close().catch(() => undefined);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`A compressed value expands beyond ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Characters per `String.fromCharCode` call (under engines' argument limits). */
const CHUNK = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/** Throws on text that is not base64. */
export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
