/**
 * Who a delivery is for (DESIGN §3): everyone in one audience sees the same projection, so a change
 * is projected once per audience, not once per socket. A couple (both partners) is one audience; a
 * supplier's whole team is one audience (roles differ in what they may write, not in what they see).
 */
export type Audience = { kind: 'couple'; coupleId: string; weddingId: string } | { kind: 'team'; supplierId: string };

/** Stable key for caching projections: `couple:{coupleId}` or `team:{supplierId}`. */
export function audienceKey(audience: Audience): string {
  return audience.kind === 'couple' ? `couple:${audience.coupleId}` : `team:${audience.supplierId}`;
}

/** A record as rights and projection need it (an `IndexedRecord` fits). */
export interface RecordRef {
  c: string;
  id: string;
  scope: string;
  fields: Record<string, unknown>;
}

export const DIRECTORY_SCOPE = 'directory';

export function supplierScope(supplierId: string): string {
  return `supplier:${supplierId}`;
}

export function weddingScope(weddingId: string): string {
  return `wedding:${weddingId}`;
}

export function userScope(userId: string): string {
  return `user:${userId}`;
}

/** Parses a scope of this model; undefined for anything else. */
export function parseScope(
  scope: string,
): { kind: 'directory' } | { kind: 'supplier' | 'wedding' | 'user'; id: string } | undefined {
  if (scope === DIRECTORY_SCOPE) return { kind: 'directory' };
  const [kind, id, ...rest] = scope.split(':');
  if (rest.length > 0 || !id) return undefined;
  if (kind === 'supplier' || kind === 'wedding' || kind === 'user') return { kind, id };
  return undefined;
}
