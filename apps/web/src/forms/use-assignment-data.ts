import type { Channel, RecordView } from '@wedsync/client';
import { useQuery, useRecord, useSyncedChannel } from '@wedsync/react';
import { useCallback, useMemo } from 'react';
import { answersByField, type FormFieldSpec, type FormProgress, formFieldsOf, formProgress } from './form-model.ts';

export interface AssignmentData {
  assignment: RecordView | undefined;
  formId: string | null;
  form: RecordView | undefined;
  fields: FormFieldSpec[];
  answers: ReadonlyMap<string, RecordView>;
  wedding: RecordView | undefined;
  weddingId: string | null;
  progress: FormProgress;
  /** `form:{formId}`, joined with the store bound while mounted (R2.3 "a form's channel while editing it"). */
  channel: Channel | null;
  title: string;
}

/**
 * Everything about one form assignment, live from the record store: the assignment, its form's fields
 * (from `form:{id}`), the answers, the wedding (for bound core fields) and the completion (R3.4).
 * Joins `form:{formId}` with my presence key while mounted.
 */
export function useAssignmentData(assignmentId: string, myUserId: string): AssignmentData {
  const assignment = useRecord('form_assignments', assignmentId);
  const formId = typeof assignment?.fields.formId === 'string' ? assignment.fields.formId : null;
  const weddingId = typeof assignment?.fields.weddingId === 'string' ? assignment.fields.weddingId : null;
  const { channel } = useSyncedChannel(formId ? `form:${formId}` : null, { presence: { key: myUserId } });
  const form = useRecord('forms', formId);
  const wedding = useRecord('weddings', weddingId);
  const ofAssignment = useCallback((answer: RecordView) => answer.fields.assignmentId === assignmentId, [assignmentId]);
  const answerRecords = useQuery('form_answers', ofAssignment);
  const fields = useMemo(() => formFieldsOf(form), [form]);
  const answers = useMemo(() => answersByField(answerRecords), [answerRecords]);
  const progress = useMemo(() => formProgress(fields, answers, wedding), [fields, answers, wedding]);
  const title = typeof form?.fields.title === 'string' ? form.fields.title : 'Form';
  return { assignment, formId, form, fields, answers, wedding, weddingId, progress, channel, title };
}
