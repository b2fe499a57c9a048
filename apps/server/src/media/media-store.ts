import { fileURLToPath } from 'node:url';
import type { MigrationSet, SqlClient, SqlRow } from '@wedsync/storage-postgres';
import type { ImageContentType } from './image-kind.ts';

export const MEDIA_MIGRATIONS: MigrationSet = {
  namespace: 'media',
  dir: fileURLToPath(new URL('./migrations/', import.meta.url)),
};

/** The stored forms of one photo (R13.1: `small` is compressed harder, for constrained networks). */
export const MEDIA_VARIANTS = ['full', 'small'] as const;
export type MediaVariant = (typeof MEDIA_VARIANTS)[number];

export interface StoredVariant {
  mediaId: string;
  variant: MediaVariant;
  supplierId: string;
  contentType: ImageContentType;
  bytes: Uint8Array;
}

export type PutOutcome =
  /** Written now, or the same bytes were there already (a retried upload). */
  | { ok: true; created: boolean }
  /** The media id belongs to another team. */
  | { ok: false; reason: 'other-owner' }
  /** This variant exists with other bytes (variants are immutable). */
  | { ok: false; reason: 'exists' };

interface VariantRow extends SqlRow {
  supplier_id: string;
  content_type: string;
  bytes: Uint8Array;
}

/** The `media_variants` table (PGlite or PostgreSQL); bytes are `bytea`, never base64. */
export class MediaStore {
  constructor(private readonly sql: SqlClient) {}

  /** The team a media id belongs to, or undefined when nothing was uploaded under it. */
  async ownerOf(mediaId: string): Promise<string | undefined> {
    const rows = await this.sql.query<{ supplier_id: string }>(
      'SELECT supplier_id FROM media_variants WHERE media_id = $1 LIMIT 1',
      [mediaId],
    );
    return rows[0]?.supplier_id;
  }

  /**
   * Stores a variant unless the id is another team's or the variant already holds other bytes.
   * The insert and the checks are one statement, so two nodes racing on one id cannot both win.
   */
  async put(variant: StoredVariant & { uploadedBy: string; nowMs: number }): Promise<PutOutcome> {
    const inserted = await this.sql.query(
      `INSERT INTO media_variants (media_id, variant, supplier_id, content_type, bytes, uploaded_by, uploaded_at_ms)
       SELECT $1, $2, $3, $4, $5::bytea, $6, $7
       WHERE NOT EXISTS (SELECT 1 FROM media_variants WHERE media_id = $1 AND supplier_id <> $3)
       ON CONFLICT (media_id, variant) DO NOTHING
       RETURNING media_id`,
      [
        variant.mediaId,
        variant.variant,
        variant.supplierId,
        variant.contentType,
        variant.bytes,
        variant.uploadedBy,
        variant.nowMs,
      ],
    );
    if (inserted.length > 0) return { ok: true, created: true };
    const existing = await this.get(variant.mediaId, variant.variant);
    const owner = existing?.supplierId ?? (await this.ownerOf(variant.mediaId));
    if (owner !== undefined && owner !== variant.supplierId) return { ok: false, reason: 'other-owner' };
    if (existing && sameBytes(existing.bytes, variant.bytes)) return { ok: true, created: false };
    return { ok: false, reason: 'exists' };
  }

  async get(mediaId: string, variant: MediaVariant): Promise<StoredVariant | undefined> {
    const rows = await this.sql.query<VariantRow>(
      'SELECT supplier_id, content_type, bytes FROM media_variants WHERE media_id = $1 AND variant = $2',
      [mediaId, variant],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      mediaId,
      variant,
      supplierId: row.supplier_id,
      contentType: row.content_type as ImageContentType,
      bytes: row.bytes instanceof Uint8Array ? row.bytes : new Uint8Array(row.bytes as ArrayBuffer),
    };
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), b) === 0;
}
