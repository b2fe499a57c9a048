import type { MutationResult } from '@wedsync/protocol';
import { fieldIdOf } from '@wedsync/wedding';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signTestToken } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { MEDIA_LIMIT_BYTES } from '../src/media/media-routes.ts';
import { type ApiWorld, startApiWorld } from './api-fixture.ts';

/** An API answer: an error, or the upload's description. */
type ApiJson = { error: { code: string; message: string } } & Record<string, unknown>;

/** Bytes that start like a JPEG (FF D8 FF E0) followed by a counter pattern, `length` long. */
function jpegBytes(length: number, salt = 0): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let index = 0; index < length; index++) bytes[index] = (index * 31 + salt) & 0xff;
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes;
}
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const WEBP = new Uint8Array([
  ...new TextEncoder().encode('RIFF'),
  20,
  0,
  0,
  0,
  ...new TextEncoder().encode('WEBPVP8 '),
]);

// Issue 8 item 3, R12.2 binary bodies, R13.1 smaller variants: the team chat's photos on the server.
describe('media variants of team chat photos (R12.2, R13.1, issue 8 item 3)', () => {
  let world: ApiWorld;

  const call = async (userId: string | null, method: 'GET' | 'PUT', path: string, body?: Uint8Array, type?: string) => {
    const headers: Record<string, string> = {};
    if (userId) headers.authorization = `Bearer ${await signTestToken(userId)}`;
    if (body) headers['content-type'] = type ?? 'application/octet-stream';
    const response = await fetch(`${world.server.url}${path}`, { method, headers, body: body as BodyInit | undefined });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    let json: ApiJson | undefined;
    try {
      json = JSON.parse(text) as ApiJson;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, bytes, json };
  };
  const put = (
    userId: string,
    mediaId: string,
    variant: string,
    body: Uint8Array,
    supplierId = 'lenslight',
    type?: string,
  ) => call(userId, 'PUT', `/api/media/${mediaId}/${variant}?supplierId=${supplierId}`, body, type);
  const get = (userId: string | null, mediaId: string, variant: string) =>
    call(userId, 'GET', `/api/media/${mediaId}/${variant}`);

  beforeAll(async () => {
    world = await startApiWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  test('both variants are uploaded as raw bytes and read back byte-identical by a teammate, cached as immutable', async () => {
    const full = jpegBytes(900_000, 1);
    const small = jpegBytes(60_000, 2);
    const upFull = await put('u-sarah', 'photo-aaaa0001', 'full', full, 'lenslight', 'image/jpeg');
    expect(upFull.status).toBe(201);
    expect(upFull.json).toEqual({
      mediaId: 'photo-aaaa0001',
      variant: 'full',
      contentType: 'image/jpeg',
      bytes: 900_000,
    });
    expect((await put('u-sarah', 'photo-aaaa0001', 'small', small)).status).toBe(201);

    for (const [variant, sent] of [
      ['full', full],
      ['small', small],
    ] as const) {
      const read = await get('u-bob', 'photo-aaaa0001', variant);
      expect(read.status).toBe(200);
      expect(read.headers.get('content-type')).toBe('image/jpeg');
      expect(read.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
      expect(read.bytes.length).toBe(sent.length);
      expect(Buffer.compare(Buffer.from(read.bytes), Buffer.from(sent))).toBe(0);
    }
    // A retried upload of the same bytes is fine; other bytes under the same variant are not (immutable).
    expect((await put('u-bob', 'photo-aaaa0001', 'small', small)).status).toBe(200);
    const changed = await put('u-bob', 'photo-aaaa0001', 'small', jpegBytes(60_000, 9));
    expect(changed.status).toBe(409);
    expect(changed.json?.error.code).toBe('CONFLICT');
  });

  test("a chat message's attachment reaches a teammate live on the chat's channel, and its bytes are theirs to read", async () => {
    const small = jpegBytes(20_000, 5);
    expect((await put('u-sarah', 'photo-live0001', 'small', small)).status).toBe(201);
    expect((await put('u-sarah', 'photo-live0001', 'full', jpegBytes(200_000, 6))).status).toBe(201);
    const bob = await world.connect('u-bob');
    const sarah = await world.connect('u-sarah');
    await bob.join('supplier:lenslight');
    await sarah.join('supplier:lenslight');
    const attachment = { mediaId: 'photo-live0001', width: 1600, height: 1200 };
    const fields = { supplierId: 'lenslight', senderId: 'u-sarah', body: '', sentAtMs: 1, mentions: [], attachment };
    const sent = await sarah.mutate('supplier:lenslight', 'media-test-sarah', [
      {
        mid: 1,
        c: 'team_chat',
        id: 'chat-photo-live',
        base: 0,
        ops: Object.entries(fields).map(([name, v]) => ({ k: 'set' as const, f: fieldIdOf('team_chat', name), v })),
      },
    ]);
    const result = sent.response.results[0] as Extract<MutationResult, { status: 'applied' }>;
    expect(result.status).toBe('applied');
    await bob.waitForSeq('supplier:lenslight', result.seq);
    const change = bob.changes('supplier:lenslight').find((each) => each.id === 'chat-photo-live');
    expect(change?.ops).toContainEqual({ k: 'set', f: 6, v: attachment });
    const read = await get('u-bob', attachment.mediaId, 'small');
    expect(Buffer.compare(Buffer.from(read.bytes), Buffer.from(small))).toBe(0);
  });

  test('PNG and WebP are stored with the content type their magic bytes say', async () => {
    expect((await put('u-bob', 'photo-png00001', 'small', PNG, 'lenslight', 'image/jpeg')).status).toBe(201);
    expect((await get('u-sarah', 'photo-png00001', 'small')).headers.get('content-type')).toBe('image/png');
    expect((await put('u-bob', 'photo-webp0001', 'full', WEBP)).status).toBe(201);
    expect((await get('u-sarah', 'photo-webp0001', 'full')).headers.get('content-type')).toBe('image/webp');
  });

  test('size caps per variant: 413 PAYLOAD_TOO_LARGE, nothing stored', async () => {
    const bigSmall = await put('u-sarah', 'photo-cap00001', 'small', jpegBytes(MEDIA_LIMIT_BYTES.small + 1));
    expect(bigSmall.status).toBe(413);
    expect(bigSmall.json?.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(bigSmall.json?.error.message).toMatch(/small variant may hold at most 262144 bytes/);
    const bigFull = await put('u-sarah', 'photo-cap00001', 'full', jpegBytes(MEDIA_LIMIT_BYTES.full + 1));
    expect(bigFull.status).toBe(413);
    expect(bigFull.json?.error.code).toBe('PAYLOAD_TOO_LARGE');
    // At the cap exactly it is accepted.
    expect((await put('u-sarah', 'photo-cap00001', 'small', jpegBytes(MEDIA_LIMIT_BYTES.small))).status).toBe(201);
    expect((await get('u-sarah', 'photo-cap00001', 'full')).status).toBe(404);
  });

  test('content is checked by its magic bytes: anything but JPEG, PNG or WebP is 415 VALIDATION_FAILED', async () => {
    const gif = new TextEncoder().encode('GIF89a\u0001\u0000\u0001\u0000');
    const refused = await put('u-sarah', 'photo-gif00001', 'full', gif, 'lenslight', 'image/jpeg');
    expect(refused.status).toBe(415);
    expect(refused.json?.error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'Only JPEG, PNG and WebP images are accepted',
    });
    const html = await put('u-sarah', 'photo-gif00001', 'full', new TextEncoder().encode('<svg onload=alert(1)>'));
    expect(html.status).toBe(415);
    const json = await call(
      'u-sarah',
      'PUT',
      '/api/media/photo-gif00001/full?supplierId=lenslight',
      new TextEncoder().encode('{"a":1}'),
      'application/json',
    );
    expect(json.status).toBe(415);
    expect(json.json?.error.code).toBe('VALIDATION_FAILED');
    const unknownType = await put('u-sarah', 'photo-gif00001', 'full', jpegBytes(100), 'lenslight', 'video/mp4');
    expect(unknownType.status).toBe(415);
    expect(unknownType.json?.error.code).toBe('VALIDATION_FAILED');
    expect((await get('u-sarah', 'photo-gif00001', 'full')).status).toBe(404);
  });

  test('rights: only the owning team uploads and reads; another team and the couple get 403 / 404', async () => {
    const bytes = jpegBytes(5_000, 3);
    expect((await put('u-sarah', 'photo-team0001', 'small', bytes)).status).toBe(201);
    // Another supplier's owner cannot add to LensLight's chat, nor take over its media id for Feast.
    const foreignTeam = await put('u-olivia', 'photo-team0001', 'full', bytes);
    expect(foreignTeam.status).toBe(403);
    expect(foreignTeam.json?.error.code).toBe('FORBIDDEN');
    const takeOver = await put('u-olivia', 'photo-team0001', 'full', bytes, 'feast');
    expect(takeOver.status).toBe(403);
    expect(takeOver.json?.error.message).toMatch(/another team/);
    // The couple of a wedding LensLight works on is not on its team either.
    expect((await put('u-emma', 'photo-team0001', 'full', bytes)).status).toBe(403);
    // A viewer reads, but may not upload (read-only rights, R2.2).
    expect((await put('u-vera', 'photo-team0002', 'small', bytes)).status).toBe(403);
    expect((await get('u-vera', 'photo-team0001', 'small')).status).toBe(200);
    // Readers outside the team are told nothing exists (no existence leak).
    for (const outsider of ['u-olivia', 'u-emma', 'u-noah']) {
      const read = await get(outsider, 'photo-team0001', 'small');
      expect(read.status).toBe(404);
      expect(read.json?.error.code).toBe('RECORD_NOT_FOUND');
    }
    expect((await get(null, 'photo-team0001', 'small')).status).toBe(401);
    expect((await call(null, 'PUT', '/api/media/photo-team0001/full?supplierId=lenslight', bytes)).status).toBe(401);
  });

  test('unknown ids are 404, malformed ids and variants 400 VALIDATION_FAILED', async () => {
    const unknown = await get('u-sarah', 'photo-none0001', 'full');
    expect(unknown.status).toBe(404);
    expect(unknown.json?.error.code).toBe('RECORD_NOT_FOUND');
    for (const path of [
      '/api/media/short/full',
      '/api/media/photo-aaaa0001/huge',
      `/api/media/${'x'.repeat(65)}/full`,
    ]) {
      const read = await call('u-sarah', 'GET', path);
      expect(read.status).toBe(400);
      expect(read.json?.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await put('u-sarah', 'bad.id..0001', 'full', jpegBytes(10))).status).toBe(400);
    expect((await put('u-sarah', 'photo-aaaa0009', 'full', jpegBytes(10), '')).status).toBe(400);
  });
});
