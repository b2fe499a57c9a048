import type { CollectionSchema, FieldKind, FieldSchema } from '@wedsync/protocol';

/**
 * A collection of the WedSync model: the wire schema (numeric field ids, merge kinds; R12.2, R4.2)
 * plus where its records live. Field ids are stable forever once assigned: never renumber, only add.
 */
export interface WeddingCollection<F extends string = string> extends CollectionSchema {
  fields: Record<F, FieldSchema>;
  /** What the collection holds, for readers of the code and the protocol docs. */
  description: string;
  /**
   * The log partition its records are committed in (Storage `scope`):
   * - `directory`: who is who (users, suppliers, couples); read by every node's Directory, not fanned out;
   * - `supplier`: `supplier:{supplierId}`, the team's own data;
   * - `wedding`: `wedding:{weddingId}`, everything about one wedding, projected per audience;
   * - `supplierOrWedding`: `wedding:{weddingId}` when the record names a wedding, else `supplier:{supplierId}`;
   * - `user`: `user:{userId}`, one person's own data (notifications).
   */
  home: 'directory' | 'supplier' | 'wedding' | 'supplierOrWedding' | 'user';
}

export function defineCollection<const F extends string>(
  name: string,
  home: WeddingCollection['home'],
  description: string,
  fields: Record<F, readonly [id: number, kind: FieldKind]>,
): WeddingCollection<F> {
  const out = {} as Record<F, FieldSchema>;
  const seen = new Set<number>();
  for (const [field, [id, kind]] of Object.entries(fields) as [F, readonly [number, FieldKind]][]) {
    if (seen.has(id)) throw new Error(`collection ${name}: field id ${id} is used twice`);
    seen.add(id);
    out[field] = { id, kind };
  }
  return { name, home, description, fields: out };
}
