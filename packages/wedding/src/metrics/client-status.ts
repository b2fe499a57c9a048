import type { Directory } from '../directory/directory.ts';
import type { IndexedRecord } from '../directory/record-index.ts';

export const RECENTLY_ACTIVE_MS = 24 * 3_600_000;
export const INACTIVE_AFTER_MS = 7 * 24 * 3_600_000;
/** A form counts as "currently filling" while an answer was saved within this window (R3.4, R7.1). */
export const FILLING_WINDOW_MS = 10 * 60_000;

/** One client (wedding) as a supplier's client list shows it (R7.1). */
export interface ClientStatus {
  weddingId: string;
  coupleId: string | undefined;
  /** A partner is connected now (from presence) and has not switched presence off (R14.2). */
  online: boolean;
  /** Last change committed by a partner, epoch ms. */
  lastActiveMs: number | undefined;
  recentlyActive: boolean;
  /** No activity for more than 7 days (or never). */
  inactive: boolean;
  /** The supplier's form a partner is filling now, if any. */
  fillingForm: { assignmentId: string; formId: string; formTitle: string } | null;
  /** Messages from the couple to this supplier not yet read. */
  unreadMessages: number;
}

/** R7.1 status of one client for one supplier; `onlineUserIds` comes from presence. */
export function clientStatus(
  directory: Directory,
  supplierId: string,
  weddingId: string,
  options: { nowMs: number; onlineUserIds: ReadonlySet<string> },
): ClientStatus {
  const coupleId = directory.coupleOfWedding(weddingId);
  const partners = coupleId ? directory.partnersOf(coupleId) : [];
  const online = partners.some((userId) => options.onlineUserIds.has(userId) && directory.presenceVisible(userId));
  const times = partners.map((userId) => directory.lastActiveMs(userId)).filter((ms) => ms !== undefined);
  const lastActiveMs = times.length > 0 ? Math.max(...times) : undefined;
  const idleMs = lastActiveMs === undefined ? Number.POSITIVE_INFINITY : options.nowMs - lastActiveMs;
  return {
    weddingId,
    coupleId,
    online,
    lastActiveMs,
    recentlyActive: online || idleMs <= RECENTLY_ACTIVE_MS,
    inactive: !online && idleMs > INACTIVE_AFTER_MS,
    fillingForm: fillingForm(directory, supplierId, weddingId, options.nowMs),
    unreadMessages: directory.records
      .where('messages', 'weddingId', weddingId)
      .filter((m) => m.fields.supplierId === supplierId && m.fields.fromCouple === true && !m.fields.readAtMs).length,
  };
}

/** The supplier's client list with statuses, active clients first (R7.2): online, filling, then most recent. */
export function clientStatuses(
  directory: Directory,
  supplierId: string,
  options: { nowMs: number; onlineUserIds: ReadonlySet<string> },
): ClientStatus[] {
  const rank = (s: ClientStatus) => (s.online ? 2 : 0) + (s.fillingForm ? 1 : 0);
  return directory
    .connectedWeddings(supplierId)
    .map((weddingId) => clientStatus(directory, supplierId, weddingId, options))
    .sort((a, b) => rank(b) - rank(a) || (b.lastActiveMs ?? 0) - (a.lastActiveMs ?? 0));
}

function fillingForm(
  directory: Directory,
  supplierId: string,
  weddingId: string,
  nowMs: number,
): ClientStatus['fillingForm'] {
  let latest: IndexedRecord | undefined;
  for (const assignment of directory.records.where('form_assignments', 'weddingId', weddingId)) {
    const at = Number(assignment.fields.lastAnswerAtMs ?? assignment.fields.startedAtMs ?? Number.NaN);
    if (assignment.fields.supplierId !== supplierId || assignment.fields.status !== 'in_progress') continue;
    if (!(nowMs - at <= FILLING_WINDOW_MS)) continue;
    if (!latest || at > Number(latest.fields.lastAnswerAtMs ?? latest.fields.startedAtMs)) latest = assignment;
  }
  if (!latest) return null;
  const formId = String(latest.fields.formId);
  const title = directory.records.get('forms', formId)?.fields.title;
  return { assignmentId: latest.id, formId, formTitle: typeof title === 'string' ? title : 'Form' };
}
