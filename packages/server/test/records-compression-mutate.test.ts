import { gunzipSync, gzipSync } from 'node:zlib';
import {
  type ChangesPayload,
  type CompressedValue,
  isCompressedValue,
  MAX_DECOMPRESSED_BYTES_PER_MESSAGE,
  type Mutation,
  type MutationResult,
} from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, type TestNames, testNames } from './fixtures/sync-harness.ts';

const gz = (value: unknown): CompressedValue => ({ $gz: gzipSync(JSON.stringify(value)).toString('base64') });
const gunzipJson = (content: unknown): unknown => {
  if (!isCompressedValue(content)) throw new Error('not compressed');
  return JSON.parse(gunzipSync(Buffer.from(content.$gz, 'base64')).toString('utf8'));
};

describe('R12.2 compressed mutations from clients', () => {
  let storage: Storage;
  let node: SyncNode;
  let names: TestNames;

  beforeAll(async () => {
    storage = await memoryStorage();
  });
  afterAll(async () => {
    await storage.close();
  });
  beforeEach(async () => {
    names = testNames();
    node = await startSyncNode(storage);
  });
  afterEach(async () => {
    await node.close();
  });

  const fieldsOf = async (id: string) =>
    (await storage.snapshot([names.topic])).records.find((record) => record.id === names.rid(id))?.fields;

  it('R12.2 a 120 KB note sent compressed (over the 64 KiB frame limit plain) is expanded, validated and stored exactly', async () => {
    const writer = await node.connect('writer');
    const reader = await node.connect('reader');
    await Promise.all([writer.join(names.topic), reader.join(names.topic)]);
    const body = Array.from({ length: 6_000 }, (_, i) => `line ${i} of the speech`).join('\n');
    expect(body.length).toBeGreaterThan(120_000);
    const mutation: Mutation = {
      mid: 1,
      c: 'items',
      id: names.rid('n1'),
      base: 0,
      ops: [
        { k: 'text', f: F.notes, op: gz([body]) as never },
        { k: 'set', f: F.title, v: gz('Speech') },
        { k: 'add', f: F.tags, id: 't1', v: gz({ label: 'draft' }) },
      ],
    };
    const reply = await writer.mutate(names.topic, names.cid('w'), [mutation]);
    expect(reply.status).toBe('ok');
    const result = reply.response.results[0] as Extract<MutationResult, { status: 'applied' }>;
    expect(result.status).toBe('applied');
    expect(await fieldsOf('n1')).toEqual({
      [F.notes]: body,
      [F.title]: 'Speech',
      [F.tags]: [{ id: 't1', v: { label: 'draft' } }],
    });
    // Delivered compressed again (the large slot only), decoded to the exact text.
    const frame = await reader.waitForSeq(names.topic, result.seq);
    const ops = (frame.payload as ChangesPayload).changes[0]!.ops;
    expect(gunzipJson((ops[0] as { op: unknown }).op)).toEqual([body]);
    expect(ops[1]).toEqual({ k: 'set', f: F.title, v: 'Speech' });
  });

  it('R12.2 a zip bomb is refused with PAYLOAD_TOO_LARGE and nothing of the message is applied', async () => {
    const writer = await node.connect('writer');
    await writer.join(names.topic);
    const bomb = gz('a'.repeat(32 * 1024 * 1024)); // 32 MiB expanded from about 44 KB of base64
    expect(bomb.$gz.length).toBeLessThan(64 * 1024);
    const reply = await writer.mutate(names.topic, names.cid('w'), [
      { mid: 1, c: 'items', id: names.rid('ok'), base: 0, ops: [{ k: 'set', f: F.title, v: 'fine' }] },
      { mid: 2, c: 'items', id: names.rid('bomb'), base: 0, ops: [{ k: 'set', f: F.title, v: bomb }] },
    ]);
    expect(reply.status).toBe('error');
    expect(String(reply.response.reason)).toMatch(/^PAYLOAD_TOO_LARGE: compressed values expand beyond 1048576 bytes/);
    expect(await fieldsOf('ok')).toBeUndefined();

    // The cap is per message: two values of 600 KiB each pass alone but not together.
    const half = (tag: string) => gz(tag.repeat(Math.ceil(MAX_DECOMPRESSED_BYTES_PER_MESSAGE * 0.6)));
    const together = await writer.mutate(names.topic, names.cid('w'), [
      { mid: 3, c: 'items', id: names.rid('h1'), base: 0, ops: [{ k: 'set', f: F.title, v: half('x') }] },
      { mid: 4, c: 'items', id: names.rid('h2'), base: 0, ops: [{ k: 'set', f: F.title, v: half('y') }] },
    ]);
    expect(together.status).toBe('error');
    const alone = await writer.mutate(names.topic, names.cid('w'), [
      { mid: 3, c: 'items', id: names.rid('h1'), base: 0, ops: [{ k: 'set', f: F.title, v: half('x') }] },
    ]);
    expect(alone.response.results[0]).toMatchObject({ mid: 3, status: 'applied' });
  });

  it('R12.2 a slot that is not base64 of gzip of JSON rejects only its own mutation with VALIDATION_FAILED', async () => {
    const writer = await node.connect('writer');
    await writer.join(names.topic);
    const set = (mid: number, v: unknown): Mutation => ({
      mid,
      c: 'items',
      id: names.rid(`m${mid}`),
      base: 0,
      ops: [{ k: 'set', f: F.title, v }],
    });
    const reply = await writer.mutate(names.topic, names.cid('w'), [
      set(1, { $gz: 'not base64!' }),
      set(2, { $gz: Buffer.from('plain bytes').toString('base64') }),
      set(3, { $gz: gzipSync('{not json').toString('base64') }),
      {
        mid: 4,
        c: 'items',
        id: names.rid('m4'),
        base: 0,
        ops: [{ k: 'text', f: F.notes, op: gz({ not: 'an op' }) as never }],
      },
      set(5, gz('kept')),
    ]);
    const results = reply.response.results;
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'applied']);
    const messages = results.slice(0, 4).map((r) => (r as Extract<MutationResult, { status: 'rejected' }>).message);
    expect(messages[0]).toBe('ops.0.v: the compressed value is not base64');
    expect(messages[1]).toBe('ops.0.v: the compressed value is not valid gzip');
    expect(messages[2]).toBe('ops.0.v: the compressed value does not hold UTF-8 JSON');
    expect(messages[3]).toMatch(/^ops\.0\.op/); // expanded, then refused by the op schema
    expect(results.slice(0, 4).every((r) => (r as { code: string }).code === 'VALIDATION_FAILED')).toBe(true);
    expect(await fieldsOf('m5')).toEqual({ [F.title]: 'kept' });
  });

  it('R12.2 a real value shaped like { $gz } survives: sent escaped, stored as is, delivered escaped', async () => {
    const writer = await node.connect('writer');
    const reader = await node.connect('reader');
    await Promise.all([writer.join(names.topic), reader.join(names.topic)]);
    const literal = { $gz: 'hello' };
    const reply = await writer.mutate(names.topic, names.cid('w'), [
      { mid: 1, c: 'items', id: names.rid('lit'), base: 0, ops: [{ k: 'set', f: F.title, v: gz(literal) }] },
    ]);
    const result = reply.response.results[0] as Extract<MutationResult, { status: 'applied' }>;
    expect(await fieldsOf('lit')).toEqual({ [F.title]: literal });
    const frame = await reader.waitForSeq(names.topic, result.seq);
    const v = ((frame.payload as ChangesPayload).changes[0]!.ops[0] as { v: unknown }).v;
    expect(v).not.toEqual(literal); // small, but escaped so it is not taken for a compressed value
    expect(gunzipJson(v)).toEqual(literal);
  });
});
