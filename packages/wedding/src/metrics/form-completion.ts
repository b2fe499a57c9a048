import type { Directory } from '../directory/directory.ts';
import type { ListItem } from '../directory/record-index.ts';

export interface FormCompletion {
  answered: number;
  total: number;
  /** 0–100, rounded down so 100 means every field is answered (R3.4). */
  percent: number;
  /** Form field ids of required fields still unanswered. */
  missingRequired: string[];
}

/**
 * Live completion of one form assignment (R3.4): answered fields / fields of the form. An answer
 * counts when its value is non-empty or its long text has any character.
 */
export function formCompletion(directory: Directory, assignmentId: string): FormCompletion {
  const assignment = directory.records.get('form_assignments', assignmentId);
  const form = assignment ? directory.records.get('forms', String(assignment.fields.formId)) : undefined;
  const fields = Array.isArray(form?.fields.fields) ? (form.fields.fields as ListItem<{ required?: boolean }>[]) : [];
  const answered = new Set(
    directory.records
      .where('form_answers', 'assignmentId', assignmentId)
      .filter((answer) => isAnswered(answer.fields.value) || Number(answer.fields.longText ?? 0) > 0)
      .map((answer) => String(answer.fields.formFieldId)),
  );
  const count = fields.filter((field) => answered.has(field.id)).length;
  return {
    answered: count,
    total: fields.length,
    percent: fields.length === 0 ? 0 : Math.floor((count * 100) / fields.length),
    missingRequired: fields.filter((field) => field.v?.required && !answered.has(field.id)).map((field) => field.id),
  };
}

function isAnswered(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}
