import { gunzipSync } from 'node:zlib';
import { type CompressedValue, isCompressedValue, MAX_DECOMPRESSED_BYTES_PER_MESSAGE } from '@wedsync/protocol';

/** One mutation as received, with its compressed slots expanded, or why it could not be expanded. */
export type InflatedMutation = { item: unknown } | { error: string };

export type InflatedMutations =
  | { items: InflatedMutation[] }
  /** The message's compressed values expand beyond the limit: the whole message is refused. */
  | { tooLarge: string };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

class TooLarge extends Error {}

/**
 * Expands the `{ $gz }` slots of the mutations of one `sync_mutate` message before validation
 * (R12.2, docs/protocol.md "Compressed values"): `v` of `set`/`add` ops and `op` of `text` ops. The
 * expanded bytes of the whole message are capped at `maxBytes` (zip-bomb guard; gunzip stops as soon
 * as the cap is passed), which refuses the message as a whole, like an oversized frame, so a client
 * retries its mutations one by one. A slot that is not base64 of gzip of JSON fails only its mutation.
 * Mutations without compressed slots are returned as the same objects.
 */
export function inflateMutations(
  raw: readonly unknown[],
  maxBytes = MAX_DECOMPRESSED_BYTES_PER_MESSAGE,
): InflatedMutations {
  let remainingBytes = maxBytes;
  const inflate = (compressed: CompressedValue): unknown => {
    const text = compressed.$gz;
    if (text.length % 4 !== 0 || !BASE64.test(text)) throw new Error('is not base64');
    if (remainingBytes < 1) throw new TooLarge();
    let bytes: Buffer;
    try {
      bytes = gunzipSync(Buffer.from(text, 'base64'), { maxOutputLength: remainingBytes });
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw new TooLarge();
      throw new Error('is not valid gzip');
    }
    remainingBytes -= bytes.length;
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new Error('does not hold UTF-8 JSON');
    }
  };
  const items: InflatedMutation[] = [];
  for (const item of raw) {
    try {
      items.push({ item: inflateOne(item, inflate) });
    } catch (error) {
      if (error instanceof TooLarge) {
        return { tooLarge: `compressed values expand beyond ${maxBytes} bytes in one message` };
      }
      items.push({ error: (error as Error).message });
    }
  }
  return { items };
}

function inflateOne(item: unknown, inflate: (compressed: CompressedValue) => unknown): unknown {
  const ops = (item as { ops?: unknown } | null)?.ops;
  if (!Array.isArray(ops)) return item;
  let copy: unknown[] | undefined;
  ops.forEach((op: unknown, index) => {
    if (typeof op !== 'object' || op === null) return;
    const { k } = op as { k?: unknown };
    const key = k === 'set' || k === 'add' ? 'v' : k === 'text' ? 'op' : undefined;
    const content = key ? (op as Record<string, unknown>)[key] : undefined;
    if (!key || !isCompressedValue(content)) return;
    let expanded: unknown;
    try {
      expanded = inflate(content);
    } catch (error) {
      if (error instanceof TooLarge) throw error;
      throw new Error(`ops.${index}.${key}: the compressed value ${(error as Error).message}`);
    }
    copy ??= ops.slice();
    copy[index] = { ...op, [key]: expanded };
  });
  return copy ? { ...(item as object), ops: copy } : item;
}
