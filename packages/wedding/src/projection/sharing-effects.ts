import { CORE_FIELDS, type CoreField } from '../collections/wedding-collections.ts';
import type { AppliedChange } from '../directory/record-index.ts';
import type { Audience } from '../rights/audience.ts';

/**
 * A record an audience must be sent again, freshly projected, because what it may see of it changed
 * (R14.2 "changing a sharing setting takes effect live"): the app reads the record from storage,
 * projects it with `projectRecord` for `audience`, and pushes it as a snapshot on `topics`, so the
 * supplier's screen loses or gains the field at once.
 */
export interface Reprojection {
  audience: Audience;
  c: string;
  id: string;
  topics: string[];
  /** Core fields that became visible (`gained`) or hidden (`lost`). */
  gained: CoreField[];
  lost: CoreField[];
}

/** The re-projections one applied change calls for; empty unless it changed a sharing setting. */
export function sharingReprojections(applied: AppliedChange): Reprojection[] {
  const { change, before, after } = applied;
  if (change.c !== 'sharing') return [];
  const { weddingId, supplierId } = after.fields;
  if (typeof weddingId !== 'string' || typeof supplierId !== 'string') return [];
  const gained: CoreField[] = [];
  const lost: CoreField[] = [];
  for (const field of CORE_FIELDS) {
    // An absent sharing record or value means shared; deleting the record shares everything again.
    const was = before?.fields[field] !== false;
    const now = change.del === true || after.fields[field] !== false;
    if (was && !now) lost.push(field);
    if (!was && now) gained.push(field);
  }
  if (gained.length === 0 && lost.length === 0) return [];
  return [
    {
      audience: { kind: 'team', supplierId },
      c: 'weddings',
      id: weddingId,
      topics: [`wedding:${weddingId}`, `supplier:${supplierId}`, `supplier:${supplierId}:clients`],
      gained,
      lost,
    },
  ];
}
