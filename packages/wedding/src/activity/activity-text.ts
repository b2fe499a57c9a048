import { ANONYMOUS_DISPLAY_NAME, decodeActor } from '../actors/actor-label.ts';
import type { Directory } from '../directory/directory.ts';
import type { Audience } from '../rights/audience.ts';
import { audienceSees } from '../rights/visibility.ts';
import { type ActivityEvent, activityFields, activityScope } from './activity-event.ts';

/** Within this window after it happened an event reads "just …" (R6.1: "Emma just completed …"). */
export const JUST_NOW_WINDOW_MS = 5 * 60_000;

const CORE_FIELD_LABEL: Record<string, string> = {
  date: 'the wedding date',
  venue: 'the venue',
  guestCount: 'the guest count',
  contact: 'the contact info',
  timeline: 'the timeline',
};

/**
 * The readable text of an activity event for one audience (R6.1), or undefined when the audience
 * may not see the event (R14.2: an unshared core field is never mentioned, not even without its value).
 * Names are first names; an anonymous edit reads "A team member" for the couple.
 */
export function activityText(
  directory: Directory,
  event: ActivityEvent,
  audience: Audience,
  options: { nowMs: number },
): string | undefined {
  const record = { c: 'activity', id: event.id, scope: activityScope(event), fields: activityFields(event) };
  if (!audienceSees(directory, audience, record)) return undefined;
  const who = actorName(directory, event.actor, audience);
  const just = options.nowMs - event.atMs <= JUST_NOW_WINDOW_MS ? 'just ' : '';
  const detail = event.detail ?? {};
  const title = quote(detail.title);
  switch (event.verb) {
    case 'core_field_updated':
      return coreFieldText(who, event);
    case 'form_assigned':
      return `${who} sent ${formLabel(detail.formTitle)}`;
    case 'form_started':
      return `${who} ${just}started filling ${formLabel(detail.formTitle)}`;
    case 'form_submitted':
      return `${who} ${just}completed ${formLabel(detail.formTitle)}`;
    case 'message_sent':
      return `${who} sent a message`;
    case 'note_added':
      return `${who} added a note${title ? ` ${title}` : ''}`;
    case 'task_created':
      return `${who} added the task ${title}`;
    case 'task_completed':
      return `${who} ${just}completed the task ${title}`;
    case 'meeting_booked':
      return `${who} booked ${title} for ${formatDateTime(detail.startAtMs)}`;
    case 'meeting_rescheduled':
      return `${who} moved ${title} to ${formatDateTime(detail.startAtMs)}`;
    case 'meeting_cancelled':
      return `${who} cancelled ${title}`;
    case 'payment_received':
      return `Payment of ${formatMoney(detail.amountCents, detail.currency)} received`;
    case 'journey_stage':
      return `${String(detail.journeyName)} moved to the stage ${quote(detail.stageName)}`;
    case 'journey_completed':
      return `${String(detail.journeyName)} completed`;
    case 'journey_failed':
      return `${String(detail.journeyName)} failed — needs attention`;
    case 'supplier_connected':
      return `${who} connected ${supplierName(directory, event.supplierId)}`;
    case 'supplier_disconnected':
      return `${who} disconnected ${supplierName(directory, event.supplierId)}`;
    case 'team_member_added':
      return `${who} added ${firstName(directory.displayName(String(detail.userId)))} to the team`;
    case 'team_member_removed':
      return `${who} removed ${firstName(directory.displayName(String(detail.userId)))} from the team`;
  }
}

function coreFieldText(who: string, event: ActivityEvent): string {
  const field = event.coreField ?? '';
  const label = CORE_FIELD_LABEL[field] ?? field;
  const value = event.value;
  if (field === 'guestCount' && typeof value === 'number') return `${who} updated the guest count to ${value}`;
  if (field === 'date' && typeof value === 'string') return `${who} changed the wedding date to ${formatDate(value)}`;
  if (field === 'venue' && typeof value === 'string') return `${who} changed the venue to ${value}`;
  const added = (value as { added?: unknown } | null)?.added;
  if (field === 'timeline' && typeof added === 'string') return `${who} added ${quote(added)} to the timeline`;
  return `${who} updated ${label}`;
}

export function actorName(directory: Directory, by: string, audience: Audience): string {
  const actor = decodeActor(by);
  if (actor.anonymous && audience.kind === 'couple') return ANONYMOUS_DISPLAY_NAME;
  return firstName(directory.displayName(actor.userId));
}

function firstName(name: string): string {
  return name.split(/\s+/)[0] || name;
}

function supplierName(directory: Directory, supplierId: string | undefined): string {
  const name = supplierId ? directory.records.get('suppliers', supplierId)?.fields.name : undefined;
  return typeof name === 'string' ? name : 'a supplier';
}

/** "Timeline form" → "the timeline form"; keeps capitals of names ("the LensLight questionnaire"). */
function formLabel(title: unknown): string {
  const text = typeof title === 'string' && title.length > 0 ? title : 'form';
  const lowered = /^[A-Z][a-z]/.test(text) ? text[0]?.toLowerCase() + text.slice(1) : text;
  return `the ${lowered}`;
}

function quote(value: unknown): string {
  return typeof value === 'string' && value.length > 0 ? `“${value}”` : '';
}

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});

/** "2026-06-14" → "14 June 2026" (calendar dates carry no zone; read as UTC). */
export function formatDate(isoDate: string): string {
  const ms = Date.parse(`${isoDate}T00:00:00Z`);
  return Number.isFinite(ms) ? dateFormat.format(ms) : isoDate;
}

function formatDateTime(ms: unknown): string {
  return typeof ms === 'number' && Number.isFinite(ms) ? `${dateTimeFormat.format(ms)} UTC` : 'a new time';
}

export function formatMoney(amountCents: unknown, currency: unknown): string {
  const cents = typeof amountCents === 'number' ? amountCents : 0;
  const code = typeof currency === 'string' && /^[A-Z]{3}$/.test(currency) ? currency : 'GBP';
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency: code }).format(cents / 100);
}
