import type { RecordView } from '@wedsync/client';
import { answerId, type FormFieldDefinition } from '@wedsync/wedding';

/** One field of a form as the apps show it: the definition's list item id plus its definition. */
export interface FormFieldSpec extends FormFieldDefinition {
  id: string;
}

/** The fields of a form definition (`forms.fields`, a list of `{ id, v }` items), in order. */
export function formFieldsOf(form: RecordView | undefined): FormFieldSpec[] {
  const items = Array.isArray(form?.fields.fields) ? (form.fields.fields as { id?: unknown; v?: unknown }[]) : [];
  const fields: FormFieldSpec[] = [];
  for (const item of items) {
    const v = item.v as Partial<FormFieldDefinition> | undefined;
    if (typeof item.id !== 'string' || !v || typeof v.label !== 'string') continue;
    fields.push({ ...(v as FormFieldDefinition), id: item.id });
  }
  return fields;
}

/** The record id of the answer to `field` in `assignmentId` (one record per field, R4.1). */
export function answerRecordId(assignmentId: string, fieldId: string): string {
  return answerId(assignmentId, fieldId);
}

/** Typing/cursor key of one field of one assignment. */
export function fieldKey(assignmentId: string, fieldId: string): string {
  return `${assignmentId}.${fieldId}`;
}

/** Answers of one assignment by form field id. */
export function answersByField(answers: readonly RecordView[]): Map<string, RecordView> {
  const byField = new Map<string, RecordView>();
  for (const answer of answers) {
    const formFieldId = answer.fields.formFieldId;
    if (typeof formFieldId === 'string') byField.set(formFieldId, answer);
  }
  return byField;
}

/** The value a field shows: the live core value for a bound field (R3.1), else the answer. */
export function shownValue(field: FormFieldSpec, answer: RecordView | undefined, wedding: RecordView | undefined) {
  if (field.boundTo) return wedding?.fields[field.boundTo];
  return field.type === 'long' ? answer?.fields.longText : answer?.fields.value;
}

/** True when a value counts as answered (the server's rule: non-empty, any text at all). */
export function hasValue(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

export interface FormProgress {
  answered: number;
  total: number;
  /** 0–100, rounded down: 100 means every field is answered (R3.4). */
  percent: number;
  missingRequired: FormFieldSpec[];
}

/** Live completion of one assignment (R3.4): a bound field is answered when its core value is set. */
export function formProgress(
  fields: readonly FormFieldSpec[],
  answers: ReadonlyMap<string, RecordView>,
  wedding: RecordView | undefined,
): FormProgress {
  const answeredIds = new Set(
    fields.filter((field) => hasValue(shownValue(field, answers.get(field.id), wedding))).map((f) => f.id),
  );
  return {
    answered: answeredIds.size,
    total: fields.length,
    percent: fields.length === 0 ? 0 : Math.floor((answeredIds.size * 100) / fields.length),
    missingRequired: fields.filter((field) => field.required && !answeredIds.has(field.id)),
  };
}

/** A value as text in a field box; timeline lists (a bound `timeline`) read as "14:00 Ceremony; …". */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    return value
      .map((item) => {
        const v = (item as { v?: { time?: string; title?: string } }).v;
        return v ? [v.time, v.title].filter(Boolean).join(' ') : '';
      })
      .filter(Boolean)
      .join('; ');
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
