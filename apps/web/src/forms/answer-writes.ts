import type { RecordStore } from '@wedsync/client';
import { writeTopicOf } from '../data/write-topic.ts';
import { answerRecordId } from './form-model.ts';

export interface AnswerTarget {
  assignmentId: string;
  weddingId: string;
  formFieldId: string;
}

/**
 * Creates the answer record of one field with its first value when it is missing (returns true then).
 * Written on `wedding:{id}`, the channel the couple app keeps bound, so an answer made offline travels
 * as soon as the link is back (R11.1).
 */
export function ensureAnswer(store: RecordStore, target: AnswerTarget, initial: Record<string, unknown> = {}): boolean {
  const id = answerRecordId(target.assignmentId, target.formFieldId);
  if (store.record('form_answers', id)) return false;
  store.create(
    'form_answers',
    id,
    { assignmentId: target.assignmentId, formFieldId: target.formFieldId, weddingId: target.weddingId, ...initial },
    { topic: weddingTopic(target) },
  );
  return true;
}

/** Answers are written through their wedding's channel (a supplier's other channels refuse them, R2.2). */
function weddingTopic(target: AnswerTarget): string {
  return `wedding:${target.weddingId}`;
}

/** Saves a short/number/date/choice answer (lww). */
export function writeAnswerValue(store: RecordStore, target: AnswerTarget, value: unknown): void {
  if (ensureAnswer(store, target, { value })) return;
  store.set('form_answers', answerRecordId(target.assignmentId, target.formFieldId), 'value', value, {
    topic: weddingTopic(target),
  });
}

/** Saves a long answer as an OT edit (R4.2: two partners typing at once both survive). */
export function writeAnswerText(store: RecordStore, target: AnswerTarget, text: string): void {
  if (ensureAnswer(store, target, { longText: text })) return;
  store.editText('form_answers', answerRecordId(target.assignmentId, target.formFieldId), 'longText', text, {
    topic: weddingTopic(target),
  });
}

/**
 * After a saved answer: the assignment is in progress (first answer) and its last answer time moves
 * on, which the supplier's client list reads as "currently filling" (R3.4, R7.1).
 */
export function noteAnswered(store: RecordStore, assignmentId: string, nowMs = Date.now()): void {
  const assignment = store.record('form_assignments', assignmentId);
  if (!assignment) return;
  const options = { topic: writeTopicOf(assignment) };
  if (assignment.fields.status === 'assigned' || assignment.fields.status == null) {
    store.set('form_assignments', assignmentId, 'status', 'in_progress', options);
    store.set('form_assignments', assignmentId, 'startedAtMs', nowMs, options);
  }
  store.set('form_assignments', assignmentId, 'lastAnswerAtMs', nowMs, options);
}

/** Submits the form: the supplier's team is notified at once by the server (R3.4, R5.2 form_submitted). */
export function submitAssignment(store: RecordStore, assignmentId: string, nowMs = Date.now()): void {
  const options = { topic: writeTopicOf(store.record('form_assignments', assignmentId)) };
  store.set('form_assignments', assignmentId, 'status', 'submitted', options);
  store.set('form_assignments', assignmentId, 'submittedAtMs', nowMs, options);
}
