import type { RecordView } from '@wedsync/client';
import type { ActivityItem } from '@wedsync/react-ui';
import { CORE_FIELD_LABELS, coreFieldText } from '../wedding/core-field-labels.ts';

/**
 * Readable text of an activity record (R6.1), e.g. "Emma updated the guest count to 150". Activity is
 * stored structured and already projected for this audience by the server; names come from `nameOf`.
 */
export function activityItem(record: RecordView, nameOf: (by: string) => string): ActivityItem {
  const fields = record.fields;
  const who = nameOf(String(fields.actor ?? ''));
  const detail = (fields.detail ?? {}) as Record<string, unknown>;
  const title = typeof detail.title === 'string' ? `“${detail.title}”` : '';
  const form = typeof detail.formTitle === 'string' ? `the ${detail.formTitle}` : 'a form';
  const field = String(fields.coreField ?? '');
  const texts: Record<string, () => string> = {
    core_field_updated: () =>
      field === 'guestCount'
        ? `${who} updated the guest count to ${coreFieldText(field, fields.value)}`
        : `${who} changed the ${(CORE_FIELD_LABELS[field] ?? field).toLowerCase()}${fields.value !== undefined && field !== 'timeline' ? ` to ${coreFieldText(field, fields.value)}` : ''}`,
    form_assigned: () => `${who} sent ${form}`,
    form_started: () => `${who} started filling ${form}`,
    form_submitted: () => `${who} completed ${form}`,
    message_sent: () => `${who} sent a message`,
    note_added: () => `${who} added a note ${title}`.trim(),
    task_created: () => `${who} added the task ${title}`,
    task_completed: () => `${who} completed the task ${title}`,
    meeting_booked: () => `${who} booked ${title}`,
    meeting_rescheduled: () => `${who} moved ${title}`,
    meeting_cancelled: () => `${who} cancelled ${title}`,
    payment_received: () => 'Payment received',
    journey_stage: () =>
      `${String(detail.journeyName ?? 'A journey')} moved to ${String(detail.stageName ?? 'the next stage')}`,
    journey_completed: () => `${String(detail.journeyName ?? 'A journey')} completed`,
    journey_failed: () => `${String(detail.journeyName ?? 'A journey')} failed — needs attention`,
    supplier_connected: () => `${who} connected a supplier`,
    supplier_disconnected: () => `${who} disconnected a supplier`,
    team_member_added: () => `${who} added a team member`,
    team_member_removed: () => `${who} removed a team member`,
  };
  const verb = String(fields.verb ?? '');
  const atMs = typeof fields.atMs === 'number' ? fields.atMs : Date.now();
  return {
    id: record.id,
    text: (texts[verb] ?? (() => `${who} made a change`))(),
    atMs,
    kind: verb,
    details: [
      { label: 'Kind', value: verb.replaceAll('_', ' ') },
      ...(typeof fields.subjectCollection === 'string'
        ? [{ label: 'Record', value: `${fields.subjectCollection}/${String(fields.subjectId ?? '')}` }]
        : []),
    ],
  };
}
