import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  type Change,
  COMPRESSION_THRESHOLD_BYTES,
  compressedSlotsOf,
  type FieldOp,
  isCompressedValue,
  mapChangeSlots,
  mapOpSlots,
  mapRecordSlots,
  overCompressionThreshold,
  savesEnough,
} from '../src/index.ts';

const gz = (value: unknown) => ({ $gz: gzipSync(JSON.stringify(value)).toString('base64') });
const gunzip = (content: unknown) =>
  isCompressedValue(content) ? JSON.parse(gunzipSync(Buffer.from(content.$gz, 'base64')).toString('utf8')) : content;

describe('compressed values (R12.2)', () => {
  it('R12.2 recognises exactly an object whose only key is $gz with a string', () => {
    expect(isCompressedValue({ $gz: 'H4sI' })).toBe(true);
    expect(isCompressedValue({ $gz: '' })).toBe(true);
    for (const other of [null, 'x', 3, [], ['$gz'], { $gz: 1 }, { $gz: 'a', b: 1 }, { gz: 'a' }, {}]) {
      expect(isCompressedValue(other)).toBe(false);
    }
  });

  it('R12.2 compresses only from the threshold and only when it saves at least 20 %', () => {
    expect(overCompressionThreshold(COMPRESSION_THRESHOLD_BYTES - 1)).toBe(false);
    expect(overCompressionThreshold(COMPRESSION_THRESHOLD_BYTES)).toBe(true);
    // 10 bytes of wrapper plus the base64 text must be ≤ 80 % of the plain bytes.
    expect(savesEnough(10_000, 7_990)).toBe(true);
    expect(savesEnough(10_000, 7_991)).toBe(false);
  });

  it('R12.2 maps the v of set/add and the whole op of text, and nothing else; untouched parts keep their identity', () => {
    const ops: FieldOp[] = [
      { k: 'set', f: 1, v: 'a' },
      { k: 'text', f: 2, op: [3, 'b'] },
      { k: 'add', f: 3, id: 'i1', v: { x: 1 } },
      { k: 'remove', f: 3, id: 'i2' },
    ];
    const seen: unknown[] = [];
    const same = mapOpSlots(ops, (content) => {
      seen.push(content);
      return content;
    });
    expect(same).toBe(ops);
    expect(seen).toEqual(['a', [3, 'b'], { x: 1 }]);
    const mapped = mapOpSlots(ops, (content) => (content === 'a' ? gz(content) : content));
    expect(mapped).not.toBe(ops);
    expect(mapped[0]).toEqual({ k: 'set', f: 1, v: gz('a') });
    expect(mapped.slice(1)).toEqual(ops.slice(1));
    expect(mapped[1]).toBe(ops[1]);
  });

  it('R12.2 a change and a snapshot record round-trip through gzip base64 to the exact values', () => {
    const body = 'Ceremony at the barn. '.repeat(2_500);
    const change: Change = {
      seq: 7,
      c: 'notes',
      id: 'n1',
      v: 2,
      ops: [
        { k: 'text', f: 2, op: [5, body] },
        { k: 'set', f: 1, v: 'short' },
      ],
      by: 'u1',
      at: '2025-06-01T10:00:00.000Z',
    };
    const compressed = mapChangeSlots(change, (content) =>
      JSON.stringify(content).length > 2048 ? gz(content) : content,
    );
    expect(compressedSlotsOf({ changes: [compressed] })).toHaveLength(1);
    expect(JSON.stringify(compressed).length).toBeLessThan(JSON.stringify(change).length / 10);
    expect(mapChangeSlots(compressed, gunzip)).toEqual(change);
    expect(mapChangeSlots(change, (content) => content)).toBe(change);

    const record = { c: 'notes', id: 'n1', v: 2, fields: { '1': 'short', '2': body } };
    const packed = mapRecordSlots(record, (content) => (content === body ? gz(content) : content));
    expect(packed.fields['1']).toBe('short');
    expect(compressedSlotsOf({ reason: 'SNAPSHOT', seq: 7, records: [packed] })).toHaveLength(1);
    expect(mapRecordSlots(packed, gunzip)).toEqual(record);
  });

  it('R12.2 finds compressed slots in mutate payloads and tolerates malformed parts', () => {
    const mutations = [{ mid: 1, c: 'notes', id: 'n1', base: 0, ops: [{ k: 'set' as const, f: 1, v: gz('x') }] }];
    expect(compressedSlotsOf({ clientId: 'c1', mutations })).toEqual([gz('x')]);
    const junk = { changes: [null, { ops: 'no' }, { ops: [null, 5, { k: 'set', f: 1, v: gz(1) }] }] };
    expect(compressedSlotsOf(junk as never)).toEqual([gz(1)]);
    expect(compressedSlotsOf({ records: [null, { fields: null }] } as never)).toEqual([]);
  });
});
