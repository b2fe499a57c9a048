import { randomBytes } from 'node:crypto';
import { createPgliteSqlClient, createPgSqlClient, runMigrations, type SqlClient } from '@wedsync/storage-postgres';
import { afterAll, describe, expect, test } from 'vitest';
import { MEDIA_MIGRATIONS, MediaStore } from '../src/media/media-store.ts';

/** Every byte value, NULs and invalid UTF-8 included, behind a JPEG signature: bytea must keep them all. */
function allByteValues(repeat: number): Uint8Array {
  const bytes = new Uint8Array(256 * repeat);
  for (let index = 0; index < bytes.length; index++) bytes[index] = (index * 7) & 0xff;
  bytes.set([0xff, 0xd8, 0xff, 0xdb]);
  return bytes;
}

const url = process.env.DATABASE_URL ?? '';
const schema = `t_media_${randomBytes(4).toString('hex')}`;
const opened: SqlClient[] = [];

afterAll(async () => {
  for (const sql of opened) await sql.close();
  if (!url) return;
  const admin = await createPgSqlClient({ connectionString: url, poolSize: 1 });
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.close();
});

// R12.2, R13.1 (issue 8 item 3): media variants are bytea on both databases the app runs on.
describe.each([
  ['PGlite', () => createPgliteSqlClient()],
  ['PostgreSQL', () => createPgSqlClient({ connectionString: url, schema, poolSize: 2 })],
])('media_variants on %s', (_name, open) => {
  test('bytes read back identical; the first upload fixes the team; variants are immutable', async () => {
    const sql = await open();
    opened.push(sql);
    await runMigrations(sql, [MEDIA_MIGRATIONS]);
    const store = new MediaStore(sql);
    const bytes = allByteValues(40);
    const base = { mediaId: 'photo-store001', supplierId: 'lenslight', contentType: 'image/jpeg' as const };
    expect(await store.put({ ...base, variant: 'full', bytes, uploadedBy: 'u-sarah', nowMs: 1 })).toEqual({
      ok: true,
      created: true,
    });
    const read = await store.get('photo-store001', 'full');
    expect(read?.supplierId).toBe('lenslight');
    expect(read?.contentType).toBe('image/jpeg');
    expect(Buffer.compare(Buffer.from(read!.bytes), Buffer.from(bytes))).toBe(0);
    expect(await store.get('photo-store001', 'small')).toBeUndefined();
    expect(await store.ownerOf('photo-store001')).toBe('lenslight');

    expect(await store.put({ ...base, variant: 'full', bytes, uploadedBy: 'u-bob', nowMs: 2 })).toEqual({
      ok: true,
      created: false,
    });
    expect(
      await store.put({ ...base, variant: 'full', bytes: allByteValues(2), uploadedBy: 'u-bob', nowMs: 3 }),
    ).toEqual({ ok: false, reason: 'exists' });
    const foreign = { ...base, supplierId: 'feast', bytes, uploadedBy: 'u-olivia', nowMs: 4 };
    expect(await store.put({ ...foreign, variant: 'small' })).toEqual({ ok: false, reason: 'other-owner' });
    expect(await store.put({ ...foreign, variant: 'full' })).toEqual({ ok: false, reason: 'other-owner' });
    expect(await store.get('photo-store001', 'small')).toBeUndefined();
  });
});
