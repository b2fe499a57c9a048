import { useRecordChanges } from '@wedsync/react';
import { useState } from 'react';
import { hasValue } from './form-model.ts';

export interface AnswerMark {
  /** Increases with each remote save of the field (drives the glow). */
  count: number;
  byName: string;
  atMs: number;
}

/**
 * "Just updated" marks (R3.4) of one assignment's fields: someone else's saved answer, or a change of
 * the core field a bound form field shows (R3.1), marks that field.
 */
export function useAnswerMarks(options: {
  assignmentId: string;
  weddingId: string | null;
  /** Core field → form field ids bound to it. */
  boundFields: ReadonlyMap<string, string[]>;
  nameOf: (userId: string | undefined) => string;
}): Readonly<Record<string, AnswerMark>> {
  const [marks, setMarks] = useState<Readonly<Record<string, AnswerMark>>>({});
  useRecordChanges((changes) => {
    const hits: { fieldId: string; by: string | undefined }[] = [];
    for (const change of changes) {
      if (change.source !== 'remote') continue;
      // An answer created empty (someone focused the field) is not an update yet.
      const answered = change.fields.some(
        (field) =>
          (field.name === 'value' || field.name === 'longText') && (hasValue(field.new) || hasValue(field.old)),
      );
      if (change.c === 'form_answers' && answered && change.id.startsWith(`${options.assignmentId}.`)) {
        hits.push({ fieldId: change.id.slice(options.assignmentId.length + 1), by: change.by });
      }
      if (change.c === 'weddings' && change.id === options.weddingId) {
        for (const field of change.fields) {
          for (const fieldId of options.boundFields.get(field.name) ?? []) hits.push({ fieldId, by: change.by });
        }
      }
    }
    if (hits.length === 0) return;
    const atMs = Date.now();
    setMarks((previous) => {
      const next = { ...previous };
      for (const hit of hits) {
        next[hit.fieldId] = { count: (previous[hit.fieldId]?.count ?? 0) + 1, byName: options.nameOf(hit.by), atMs };
      }
      return next;
    });
  });
  return marks;
}
