import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type CompressedValue, isCompressedValue, type MutatePayload } from '@wedsync/protocol';
import { describe, expect, it } from 'vitest';
import { gunzipJson, gzipBase64, utf8Json } from '../src/store/gzip-codec.ts';
import { inflatePayload } from '../src/store/inbound-decompression.ts';
import { compressionCandidates, compressMutatePayload } from '../src/store/outbound-compression.ts';

const nodeGz = (value: unknown): CompressedValue => ({ $gz: gzipSync(JSON.stringify(value)).toString('base64') });
const nodeGunzip = (content: unknown) =>
  isCompressedValue(content) ? JSON.parse(gunzipSync(Buffer.from(content.$gz, 'base64')).toString('utf8')) : content;

const speech = Array.from({ length: 900 }, (_, i) => `Toast ${i}: to the couple 💍 — «merci» ✨`).join('\n');

describe('R12.2 the client gzip codec (CompressionStream / DecompressionStream)', () => {
  it('R12.2 round-trips UTF-8 JSON and reads and writes the same bytes as node:zlib', async () => {
    const value = { text: speech, n: 3, list: ['ä', '𝄞'] };
    const ours: CompressedValue = { $gz: await gzipBase64(utf8Json(value)) };
    expect(nodeGunzip(ours)).toEqual(value);
    expect((await gunzipJson(ours, 1_000_000)).value).toEqual(value);
    const theirs = await gunzipJson(nodeGz(value), 1_000_000);
    expect(theirs).toEqual({ value, expandedBytes: utf8Json(value).byteLength });
  });

  it('R12.2 refuses a value that expands beyond the cap, and text that is not base64, gzip or JSON', async () => {
    await expect(gunzipJson(nodeGz('a'.repeat(5_000_000)), 1_000_000)).rejects.toThrow(/expands beyond 1000000 bytes/);
    await expect(gunzipJson({ $gz: 'not base64!' }, 1_000)).rejects.toThrow();
    await expect(gunzipJson({ $gz: Buffer.from('plain').toString('base64') }, 1_000)).rejects.toThrow();
    await expect(gunzipJson({ $gz: gzipSync('{oops').toString('base64') }, 1_000)).rejects.toThrow(SyntaxError);
  });

  it('R12.2 inflates a changes payload in place of its { $gz } slots only', async () => {
    const payload = {
      changes: [
        {
          seq: 4,
          c: 'items',
          id: 'r1',
          v: 1,
          by: 'u',
          at: 'now',
          ops: [
            { k: 'text' as const, f: 2, op: nodeGz([speech]) as never },
            { k: 'set' as const, f: 1, v: 'small' },
          ],
        },
      ],
    };
    const inflated = await inflatePayload(payload);
    expect(inflated.changes[0]!.ops).toEqual([
      { k: 'text', f: 2, op: [speech] },
      { k: 'set', f: 1, v: 'small' },
    ]);
    expect(inflated.changes[0]!.ops[1]).toBe(payload.changes[0]!.ops[1]);
    await expect(inflatePayload(payload, undefined, 10_000)).rejects.toThrow(/expands beyond/);
  });

  it('R12.2 outgoing mutations: small ones untouched (no candidates), large text compressed, look-alikes escaped', async () => {
    const small: MutatePayload = {
      clientId: 'c1',
      mutations: [{ mid: 1, c: 'items', id: 'r1', base: 0, ops: [{ k: 'set', f: 1, v: 'x'.repeat(300) }] }],
    };
    expect(compressionCandidates(small).size).toBe(0);
    expect(await compressMutatePayload(small)).toBe(small);

    const literal = { $gz: 'not really' };
    const large: MutatePayload = {
      clientId: 'c1',
      mutations: [
        {
          mid: 2,
          c: 'items',
          id: 'r1',
          base: 1,
          ops: [
            { k: 'text', f: 2, op: [4, speech] },
            { k: 'set', f: 1, v: literal },
            { k: 'set', f: 5, v: 'short' },
          ],
        },
      ],
    };
    const sent = await compressMutatePayload(large);
    const ops = sent.mutations[0]!.ops as Array<Record<string, unknown>>;
    expect(isCompressedValue(ops[0]!.op)).toBe(true);
    expect(nodeGunzip(ops[0]!.op)).toEqual([4, speech]);
    expect(nodeGunzip(ops[1]!.v)).toEqual(literal);
    expect(ops[2]).toBe(large.mutations[0]!.ops[2]);
    expect(JSON.stringify(sent).length).toBeLessThan(JSON.stringify(large).length / 3);
    expect(large.mutations[0]!.ops[0]).toEqual({ k: 'text', f: 2, op: [4, speech] }); // not changed in place
  });

  it('R12.2 a large value gzip cannot shrink by 20 % is sent plain', async () => {
    // 3 KiB of hash output in base64: over the threshold, but gzip saves far less than 20 % of it.
    const noise = Buffer.concat(
      Array.from({ length: 70 }, (_, i) => createHash('sha256').update(String(i)).digest()),
    ).toString('base64');
    const payload: MutatePayload = {
      clientId: 'c1',
      mutations: [{ mid: 1, c: 'items', id: 'r1', base: 0, ops: [{ k: 'set', f: 1, v: noise }] }],
    };
    expect(compressionCandidates(payload).size).toBe(1);
    expect(await compressMutatePayload(payload)).toBe(payload);
  });
});
