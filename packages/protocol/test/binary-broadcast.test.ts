import { describe, expect, it } from 'vitest';
import {
  BINARY_KIND,
  decodeUserBroadcast,
  decodeUserBroadcastPush,
  encodeUserBroadcast,
  encodeUserBroadcastPush,
} from '../src/index.ts';

describe('Supabase binary broadcast frames (R12.2 binary frames)', () => {
  it('round-trips a JSON push (kind 3)', () => {
    const bytes = encodeUserBroadcastPush({
      joinRef: '1',
      ref: '2',
      topic: 'realtime:wedding:w1',
      event: 'cursor',
      metadata: {},
      payload: { x: 1 },
    });
    expect(bytes[0]).toBe(BINARY_KIND.userBroadcastPush);
    const decoded = decodeUserBroadcastPush(bytes);
    expect(decoded).toEqual({
      ok: true,
      value: {
        joinRef: '1',
        ref: '2',
        topic: 'realtime:wedding:w1',
        event: 'cursor',
        metadata: {},
        payload: { x: 1 },
        binary: false,
      },
    });
  });

  it('carries raw bytes untouched', () => {
    const payload = new Uint8Array([0, 255, 7]);
    const decoded = decodeUserBroadcastPush(
      encodeUserBroadcastPush({ joinRef: null, ref: null, topic: 't', event: 'img', metadata: {}, payload }),
    );
    expect(decoded.ok && decoded.value.binary).toBe(true);
    expect(decoded.ok && Array.from(decoded.value.payload as Uint8Array)).toEqual([0, 255, 7]);
  });

  it('refuses truncated and unknown frames with MALFORMED_FRAME', () => {
    expect(decodeUserBroadcastPush(new Uint8Array([3, 1]))).toMatchObject({ ok: false, code: 'MALFORMED_FRAME' });
    expect(decodeUserBroadcastPush(new Uint8Array([9, 0, 0, 1, 0, 0, 1, 116]))).toMatchObject({
      ok: false,
      code: 'MALFORMED_FRAME',
    });
    expect(decodeUserBroadcastPush(new Uint8Array([3, 0, 0, 200, 0, 0, 1, 116]))).toMatchObject({
      ok: false,
      code: 'MALFORMED_FRAME',
    });
  });

  it('encodes a server broadcast (kind 4) with the header lengths in place', () => {
    const bytes = encodeUserBroadcast('t', 'e', { a: 1 });
    expect([bytes[0], bytes[1], bytes[2], bytes[3], bytes[4]]).toEqual([4, 1, 1, 0, 1]);
    expect(new TextDecoder().decode(bytes.subarray(7))).toBe('{"a":1}');
  });

  it('R12.2 decodes a server broadcast (kind 4) as the SDK reads it: raw bytes untouched, JSON parsed, metadata kept', () => {
    const image = new Uint8Array([137, 80, 78, 71, 0, 255]);
    const raw = decodeUserBroadcast(encodeUserBroadcast('realtime:wedding:w1', 'photo', image, { name: 'a.png' }));
    expect(raw.ok && raw.value).toMatchObject({
      topic: 'realtime:wedding:w1',
      event: 'photo',
      metadata: { name: 'a.png' },
      binary: true,
    });
    expect(raw.ok && Array.from(raw.value.payload as Uint8Array)).toEqual(Array.from(image));
    const json = decodeUserBroadcast(encodeUserBroadcast('t', 'e', { a: 1 }));
    expect(json).toEqual({
      ok: true,
      value: { topic: 't', event: 'e', metadata: {}, payload: { a: 1 }, binary: false },
    });
    expect(decodeUserBroadcast(new Uint8Array([4, 1]))).toMatchObject({ ok: false, code: 'MALFORMED_FRAME' });
    expect(
      decodeUserBroadcast(
        encodeUserBroadcastPush({ joinRef: null, ref: null, topic: 't', event: 'e', metadata: {}, payload: 1 }),
      ),
    ).toMatchObject({ ok: false, code: 'MALFORMED_FRAME' });
    expect(decodeUserBroadcast(new Uint8Array([4, 9, 0, 0, 0, 116]))).toMatchObject({
      ok: false,
      code: 'MALFORMED_FRAME',
    });
  });
});
