import { CORE_FIELDS } from '../collections/wedding-collections.ts';
import { fieldIdOf } from '../collections/wedding-schemas.ts';
import type { Directory } from '../directory/directory.ts';
import type { AppliedChange } from '../directory/record-index.ts';
import type { ActivityEvent, ActivityVerb } from './activity-event.ts';

const CORE_FIELD_BY_ID = new Map(CORE_FIELDS.map((field) => [fieldIdOf('weddings', field), field]));
const TIMELINE_FIELD_ID = fieldIdOf('weddings', 'timeline');

/**
 * The id of the `n`-th activity event of a change: from the record version it describes (each is
 * committed once), so the event can be derived inside the change's own transaction, before its seq
 * is known, and deriving it again gives the same id.
 */
export function activityId(change: Pick<AppliedChange['change'], 'c' | 'id' | 'v'>, n: number): string {
  return `act:${change.c}:${change.v}:${n}:${change.id}`;
}

/**
 * The activity events (R6.1) one committed change describes, structured; empty when it is not
 * feed-worthy (e.g. a single form answer, a chat line). The Directory gives names and titles of other records.
 */
export function describeChange(directory: Directory, applied: AppliedChange): ActivityEvent[] {
  const { change, before, after } = applied;
  const was = (field: string) => before?.fields[field];
  const now = (field: string) => after.fields[field];
  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const events: ActivityEvent[] = [];
  const push = (verb: ActivityVerb, extra: Partial<ActivityEvent> = {}) => {
    const weddingId = str(now('weddingId')) ?? (change.c === 'weddings' ? change.id : undefined);
    const supplierId = str(now('supplierId'));
    const event: ActivityEvent = {
      id: activityId(change, events.length),
      actor: change.by,
      verb,
      subjectCollection: change.c,
      subjectId: change.id,
      atMs: after.updatedAtMs,
      ...extra,
    };
    if (weddingId && event.weddingId === undefined) event.weddingId = weddingId;
    if (supplierId && event.supplierId === undefined) event.supplierId = supplierId;
    if (after.scope.startsWith('supplier:')) event.teamOnly = true;
    events.push(event);
  };
  const title = () => ({ title: str(now('title')) ?? '' });
  const created = before === undefined;

  switch (change.c) {
    case 'weddings': {
      if (change.del || created) break;
      const fields = [...new Set(change.ops.map((op) => CORE_FIELD_BY_ID.get(op.f)).filter((f) => f !== undefined))];
      for (const coreField of fields) {
        const added = change.ops.filter((op) => op.f === TIMELINE_FIELD_ID && op.k === 'add');
        const value = coreField === 'timeline' ? timelineSummary(added) : now(coreField);
        push('core_field_updated', { coreField, value, supplierId: undefined });
      }
      break;
    }
    case 'form_assignments': {
      const formTitle = str(directory.records.get('forms', String(now('formId')))?.fields.title) ?? 'form';
      if (created) push('form_assigned', { detail: { formTitle } });
      else if (now('status') === 'in_progress' && was('status') !== 'in_progress')
        push('form_started', { detail: { formTitle } });
      else if (now('status') === 'submitted' && was('status') !== 'submitted')
        push('form_submitted', { detail: { formTitle } });
      break;
    }
    case 'messages':
      if (created) push('message_sent');
      break;
    case 'notes':
      if (created) push('note_added', { detail: title() });
      break;
    case 'tasks':
      if (created) push('task_created', { detail: title() });
      else if (now('status') === 'done' && was('status') !== 'done') push('task_completed', { detail: title() });
      break;
    case 'meetings':
      if (created) push('meeting_booked', { detail: { ...title(), startAtMs: now('startAtMs') } });
      else if (now('status') === 'cancelled' && was('status') !== 'cancelled')
        push('meeting_cancelled', { detail: title() });
      else if (now('startAtMs') !== was('startAtMs')) {
        push('meeting_rescheduled', { detail: { ...title(), startAtMs: now('startAtMs') } });
      }
      break;
    case 'payments':
      if (now('status') === 'paid' && was('status') !== 'paid') {
        push('payment_received', { detail: { amountCents: now('amountCents'), currency: now('currency') } });
      }
      break;
    case 'journey_runs': {
      const journey = directory.records.get('journeys', String(now('journeyId')));
      const journeyName = str(journey?.fields.name) ?? 'Journey';
      if (now('status') === 'failed' && was('status') !== 'failed') push('journey_failed', { detail: { journeyName } });
      else if (now('status') === 'completed' && was('status') !== 'completed') {
        push('journey_completed', { detail: { journeyName } });
      } else if (!created && now('stageIndex') !== was('stageIndex')) {
        const stages = Array.isArray(journey?.fields.stages)
          ? (journey.fields.stages as { v?: { name?: string } }[])
          : [];
        const stageName = stages[Number(now('stageIndex'))]?.v?.name ?? `stage ${Number(now('stageIndex')) + 1}`;
        push('journey_stage', { detail: { journeyName, stageName } });
      }
      break;
    }
    case 'connections':
      if (created && now('status') !== 'ended') push('supplier_connected');
      else if ((change.del || now('status') === 'ended') && was('status') !== 'ended') push('supplier_disconnected');
      break;
    case 'team_members':
      if (created && now('userId') !== change.by) {
        push('team_member_added', { detail: { userId: now('userId'), role: now('role') } });
      } else if (change.del) push('team_member_removed', { detail: { userId: now('userId') } });
      break;
  }
  return events;
}

/** For a timeline change: the title of the one item appended, if that is what happened. */
function timelineSummary(added: { k: string; v?: unknown }[]): unknown {
  if (added.length !== 1) return null;
  const item = added[0]?.v as { title?: unknown } | undefined;
  return typeof item?.title === 'string' ? { added: item.title } : null;
}
