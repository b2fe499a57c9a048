import { defineCollection } from './define-collection.ts';

/**
 * One field of a form definition, an item of `forms.fields` (a list keyed by the item id).
 * `boundTo` names a wedding core field whose current value the field shows (R3.1).
 */
export interface FormFieldDefinition {
  label: string;
  /** 'short' | 'long' | 'number' | 'date' | 'choice'. Long answers are `text` (OT) in `form_answers`. */
  type: 'short' | 'long' | 'number' | 'date' | 'choice';
  boundTo?: string;
  required?: boolean;
  options?: string[];
}

export const forms = defineCollection('forms', 'supplier', 'Form definitions built by a supplier', {
  supplierId: [1, 'lww'],
  title: [2, 'lww'],
  /** List of FormFieldDefinition items, in order. */
  fields: [3, 'list'],
  description: [4, 'text'],
});

/** A form assigned to one wedding (couple); the unit a couple fills and submits (R3.4). */
export const formAssignments = defineCollection('form_assignments', 'wedding', 'A form assigned to a couple: status', {
  formId: [1, 'lww'],
  supplierId: [2, 'lww'],
  weddingId: [3, 'lww'],
  /** 'assigned' | 'in_progress' | 'submitted'. */
  status: [4, 'lww'],
  assignedAtMs: [5, 'lww'],
  startedAtMs: [6, 'lww'],
  submittedAtMs: [7, 'lww'],
  /** Last answer saved, for "Currently filling" (R3.4, R7.1). */
  lastAnswerAtMs: [8, 'lww'],
});

/**
 * The answer to one form field, one record per (assignment, form field) so every answer merges and
 * locks on its own (R4.1). Record id: `answerId(assignmentId, formFieldId)`.
 */
export const formAnswers = defineCollection('form_answers', 'wedding', 'Answers, one record per form field', {
  assignmentId: [1, 'lww'],
  formFieldId: [2, 'lww'],
  /** Short/number/date/choice answers. */
  value: [3, 'lww'],
  /** Long answers: merged by OT so two partners typing both survive (R4.2). */
  longText: [4, 'text'],
  /** The assignment's wedding (decides the record's scope). */
  weddingId: [5, 'lww'],
});

export function answerId(assignmentId: string, formFieldId: string): string {
  return `${assignmentId}.${formFieldId}`;
}
