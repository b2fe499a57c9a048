import type { NotificationTrigger } from '@wedsync/protocol';
import { actorName, formatMoney } from '../activity/activity-text.ts';
import { decodeActor } from '../actors/actor-label.ts';
import type { Directory } from '../directory/directory.ts';
import type { AppliedChange, ListItem } from '../directory/record-index.ts';
import { propagateCoreFieldChange } from '../propagation/core-field-propagation.ts';
import type { Audience, RecordRef } from '../rights/audience.ts';
import { mentionedTeamMembers } from './mentions.ts';
import {
  audienceFor,
  contactOf,
  managerUserIds,
  partnerUserIds,
  teamUserIds,
  weddingOfRecord,
} from './notification-recipients.ts';
import { coupleName, formatWhen, linkFor, preview, quoted, supplierName } from './notification-text.ts';
import { DEFAULT_IMPORTANCE, type WeddingNotification } from './wedding-notification.ts';

/** Full bodies of a note before and after the change (the Directory keeps only text lengths). */
export interface NoteTexts {
  before?: string;
  after?: string;
}

type Text = { title: string; body: string; link: string };

/**
 * The notifications one committed change raises (R5.2, R3.2, R10.1), one per recipient and trigger,
 * with ids `{trigger}:{seq}:{userId}`, decided against the Directory (rights, names, teams) and the
 * change's own before/after state; the app calls it inside the transaction writing the change. The
 * author is never notified of their own change; a recipient must see the record through one of their
 * audiences, and every text is written for that audience (R14.2: guest-count and timeline news only
 * reach suppliers the field is shared with, and name no other field).
 * For mentions in a note's body pass `noteTexts` (its full body before and after the change).
 */
export function notificationsForChange(
  directory: Directory,
  applied: AppliedChange,
  context: { noteTexts?: NoteTexts } = {},
): WeddingNotification[] {
  const { change, before, after } = applied;
  if (change.del) return [];
  const actor = decodeActor(change.by);
  const record: RecordRef = { c: after.c, id: after.id, scope: after.scope, fields: after.fields };
  const now = (field: string) => after.fields[field];
  const was = (field: string) => before?.fields[field];
  const str = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);
  const supplierId = str(now('supplierId'));
  const weddingId = weddingOfRecord(record) ?? str(now('weddingId'));
  const couple = coupleName(directory, weddingId);
  const who = (audience: Audience) => actorName(directory, change.by, audience);
  const out = new Map<string, WeddingNotification>();
  const add = (
    trigger: NotificationTrigger,
    userIds: readonly string[],
    text: (audience: Audience) => Text,
    options: { importance?: WeddingNotification['importance']; supplierId?: string; about?: RecordRef } = {},
  ) => {
    for (const userId of new Set(userIds)) {
      if (userId === actor.userId) continue;
      const audience = audienceFor(directory, userId, options.about ?? record, options.supplierId ?? supplierId);
      if (!audience) continue;
      const id = `${trigger}:${change.seq}:${userId}`;
      out.set(id, {
        id,
        userId,
        trigger,
        importance: options.importance ?? DEFAULT_IMPORTANCE[trigger],
        ...text(audience),
        causeSeq: change.seq,
        createdAtMs: after.updatedAtMs,
        contact: contactOf(directory, userId),
      });
    }
  };
  const created = before === undefined;
  const became = (field: string, value: unknown) => now(field) === value && was(field) !== value;

  switch (change.c) {
    case 'form_assignments': {
      if (!became('status', 'submitted')) break;
      const form = str(directory.records.get('forms', String(now('formId')))?.fields.title) ?? 'a form';
      add('form_submitted', teamUserIds(directory, supplierId), (audience) => ({
        title: `Form submitted: ${form}`,
        body: `${who(audience)} (${couple}) completed ${quoted(form, 'the form')}`,
        link: linkFor(audience, 'home'),
      }));
      break;
    }
    case 'journey_runs': {
      const journey = directory.records.get('journeys', String(now('journeyId')));
      const name = str(journey?.fields.name) ?? 'A journey';
      const team = teamUserIds(directory, supplierId);
      const link = (audience: Audience) => linkFor(audience, 'home');
      if (became('status', 'failed')) {
        add(
          'journey_milestone',
          team,
          (audience) => ({
            title: 'Journey failed',
            body: `${name} for ${couple} failed — needs attention`,
            link: link(audience),
          }),
          { importance: 'important' },
        );
      } else if (became('status', 'completed')) {
        add('journey_milestone', team, (audience) => ({
          title: 'Journey completed',
          body: `${name} for ${couple} completed`,
          link: link(audience),
        }));
      } else if (!created && now('stageIndex') !== was('stageIndex')) {
        const stages = Array.isArray(journey?.fields.stages)
          ? (journey.fields.stages as ListItem<{ name?: string }>[])
          : [];
        const stage = stages[Number(now('stageIndex'))]?.v?.name ?? `stage ${Number(now('stageIndex')) + 1}`;
        add('journey_milestone', team, (audience) => ({
          title: 'Journey milestone',
          body: `${name} for ${couple} moved to the stage ${quoted(stage)}`,
          link: link(audience),
        }));
      }
      break;
    }
    case 'messages': {
      if (!created) break;
      const fromCouple = now('fromCouple') === true;
      const recipients = fromCouple ? teamUserIds(directory, supplierId) : partnerUserIds(directory, weddingId);
      add('client_message', recipients, (audience) => ({
        title:
          audience.kind === 'team'
            ? `New message from ${who(audience)} (${couple})`
            : `New message from ${supplierName(directory, supplierId)}`,
        body: preview(now('body')),
        link: linkFor(audience, 'home'),
      }));
      break;
    }
    case 'team_chat': {
      if (!created || !supplierId) break;
      const listed = Array.isArray(now('mentions'))
        ? (now('mentions') as unknown[]).filter((id) => typeof id === 'string')
        : [];
      const team = new Set(teamUserIds(directory, supplierId));
      const mentioned = [...listed, ...mentionedTeamMembers(directory, supplierId, String(now('body') ?? ''))];
      add(
        'team_mention',
        (mentioned as string[]).filter((userId) => team.has(userId)),
        (audience) => ({
          title: `${who(audience)} mentioned you`,
          body: preview(now('body')),
          link: linkFor(audience, 'team'),
        }),
      );
      break;
    }
    case 'notes': {
      const texts = context.noteTexts;
      if (!supplierId || texts?.after === undefined) break;
      const earlier = new Set(texts.before ? mentionedTeamMembers(directory, supplierId, texts.before) : []);
      const fresh = mentionedTeamMembers(directory, supplierId, texts.after).filter((userId) => !earlier.has(userId));
      add(
        'team_mention',
        fresh,
        (audience) => ({
          title: `${who(audience)} mentioned you in a note`,
          body: `${quoted(now('title'), 'A note')}${weddingId ? ` (${couple})` : ''}: ${preview(texts.after, 120)}`,
          link: linkFor(audience, 'home'),
        }),
        { supplierId },
      );
      break;
    }
    case 'payments':
      if (!became('status', 'paid')) break;
      add('payment_received', teamUserIds(directory, supplierId), (audience) => ({
        title: 'Payment received',
        body: `${formatMoney(now('amountCents'), now('currency'))} from ${couple}${str(now('description')) ? ` for ${quoted(now('description'))}` : ''}`,
        link: linkFor(audience, 'home'),
      }));
      break;
    case 'meetings': {
      if (!created || now('status') === 'cancelled') break;
      const attendees = attendeeIds(now('attendees'));
      const actorOnTeam = supplierId !== undefined && directory.roleIn(actor.userId, supplierId) !== undefined;
      const otherSide = weddingOfRecord(record)
        ? actorOnTeam
          ? partnerUserIds(directory, weddingId)
          : teamUserIds(directory, supplierId)
        : [];
      add('meeting_booked', [...attendees, ...otherSide], (audience) => ({
        title: `Meeting booked: ${str(now('title')) ?? 'meeting'}`,
        body: `${who(audience)} booked ${quoted(now('title'), 'a meeting')} for ${formatWhen(now('startAtMs'))}`,
        link: linkFor(audience, 'calendar'),
      }));
      break;
    }
    case 'tasks': {
      const title = quoted(now('title'), 'a task');
      if (became('status', 'done')) {
        const inWedding = weddingOfRecord(record) !== undefined;
        const recipients = [
          ...(inWedding ? [...teamUserIds(directory, supplierId), ...partnerUserIds(directory, weddingId)] : []),
          ...(inWedding ? [] : managerUserIds(directory, supplierId)),
          ...(str(now('assigneeId')) ? [now('assigneeId') as string] : []),
        ];
        add('task_completed', recipients, (audience) => ({
          title: 'Task completed',
          body: `${who(audience)} completed ${title}`,
          link: linkFor(audience, 'home'),
        }));
      }
      const assignee = str(now('assigneeId'));
      if (assignee && assignee !== was('assigneeId') && now('status') !== 'done') {
        add('task_assigned', [assignee], (audience) => ({
          title: 'Task assigned to you',
          body: `${who(audience)} assigned you ${title}${str(now('dueDate')) ? ` (due ${now('dueDate')})` : ''}`,
          link: linkFor(audience, 'home'),
        }));
      }
      break;
    }
    case 'weddings':
      for (const event of propagateCoreFieldChange(directory, applied)) {
        if (event.kind !== 'guest_count_changed' && event.kind !== 'timeline_changed') continue;
        const team = teamUserIds(directory, event.supplierId);
        if (event.kind === 'guest_count_changed') {
          add(
            'guest_count_changed',
            team,
            (audience) => ({
              title: 'Guest count changed',
              body: `${who(audience)} updated the guest count for ${couple}${typeof event.from === 'number' ? ` from ${event.from}` : ''} to ${String(event.to)}`,
              link: linkFor(audience, 'home'),
            }),
            { supplierId: event.supplierId },
          );
        } else {
          const added = change.ops.filter((op) => op.k === 'add');
          const item = added.length === 1 ? (added[0] as { v?: { title?: unknown } }).v?.title : undefined;
          add(
            'timeline_changed',
            team,
            (audience) => ({
              title: 'Timeline updated',
              body:
                typeof item === 'string'
                  ? `${who(audience)} added ${quoted(item)} to the timeline of ${couple}`
                  : `${who(audience)} updated the timeline of ${couple}`,
              link: linkFor(audience, 'home'),
            }),
            { supplierId: event.supplierId },
          );
        }
      }
      break;
  }
  return [...out.values()];
}

/** User ids of a meeting's `attendees` list (`{ id, v: { userId } }` items). */
export function attendeeIds(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return (value as ListItem<{ userId?: unknown }>[])
    .map((item) => item.v?.userId)
    .filter((userId): userId is string => typeof userId === 'string');
}
