import { defineCollection } from './define-collection.ts';

/**
 * Wedding core fields (SPEC "People and data"): owned by the couple, shared per supplier (R14.2).
 * `date` is `manual` so an offline edit against a newer date asks the user (R4.2);
 * `timeline` is a `list` of `{ time: "HH:MM", title }` items so concurrent appends both survive.
 */
export const CORE_FIELDS = ['date', 'venue', 'guestCount', 'contact', 'timeline'] as const;
export type CoreField = (typeof CORE_FIELDS)[number];

export function isCoreField(value: unknown): value is CoreField {
  return typeof value === 'string' && (CORE_FIELDS as readonly string[]).includes(value);
}

export const weddings = defineCollection('weddings', 'wedding', 'One wedding: its core fields', {
  coupleId: [1, 'lww'],
  /** ISO date "YYYY-MM-DD". */
  date: [2, 'manual'],
  venue: [3, 'lww'],
  guestCount: [4, 'lww'],
  /** `{ email, phone }`. */
  contact: [5, 'lww'],
  timeline: [6, 'list'],
  title: [7, 'lww'],
});

/** A supplier working for a wedding. `status: 'ended'` (or deleting it) disconnects the supplier (R2.2). */
export const connections = defineCollection('connections', 'wedding', 'Wedding–supplier connections', {
  weddingId: [1, 'lww'],
  supplierId: [2, 'lww'],
  /** 'active' | 'ended'. */
  status: [3, 'lww'],
  connectedAtMs: [4, 'lww'],
});

/**
 * What the couple shares with one supplier (R14.2). Record id: `sharingId(weddingId, supplierId)`.
 * One boolean per core field so toggles of different fields merge; an absent record or value means shared.
 */
export const sharing = defineCollection('sharing', 'wedding', 'Per couple × supplier: which core fields are shared', {
  weddingId: [1, 'lww'],
  supplierId: [2, 'lww'],
  date: [3, 'lww'],
  venue: [4, 'lww'],
  guestCount: [5, 'lww'],
  contact: [6, 'lww'],
  timeline: [7, 'lww'],
});

export function sharingId(weddingId: string, supplierId: string): string {
  return `share-${weddingId}-${supplierId}`;
}
