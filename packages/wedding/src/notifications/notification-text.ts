import type { Directory } from '../directory/directory.ts';
import type { Audience } from '../rights/audience.ts';

/** Readable names and values for notification texts (R5). Times are shown in UTC, like activity text. */

export function coupleName(directory: Directory, weddingId: string | undefined): string {
  const coupleId = weddingId ? directory.coupleOfWedding(weddingId) : undefined;
  const name = coupleId ? directory.records.get('couples', coupleId)?.fields.displayName : undefined;
  return typeof name === 'string' && name.length > 0 ? name : 'your client';
}

export function supplierName(directory: Directory, supplierId: string | undefined): string {
  const name = supplierId ? directory.records.get('suppliers', supplierId)?.fields.name : undefined;
  return typeof name === 'string' && name.length > 0 ? name : 'your supplier';
}

/** `“text”`, or the fallback when the text is empty. */
export function quoted(value: unknown, fallback = ''): string {
  return typeof value === 'string' && value.length > 0 ? `“${value}”` : fallback;
}

/** At most `max` characters of a message, on one line. */
export function preview(text: unknown, max = 140): string {
  const line = typeof text === 'string' ? text.replace(/\s+/g, ' ').trim() : '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});
const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });

export function formatWhen(ms: unknown): string {
  return typeof ms === 'number' && Number.isFinite(ms) ? `${dateTime.format(ms)} UTC` : 'a time to be confirmed';
}

export function formatTime(ms: number): string {
  return `${time.format(ms)} UTC`;
}

/** Where the notification opens in the web app for this audience. */
export function linkFor(audience: Audience, page: 'home' | 'calendar' | 'team'): string {
  if (audience.kind === 'couple') return '/couple';
  return page === 'home' ? '/supplier' : `/supplier/${page}`;
}
