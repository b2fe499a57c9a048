import { useQuery } from '@wedsync/react';
import { useCallback, useMemo } from 'react';
import { useAnswerMarks } from './use-answer-marks.ts';
import { useAssignmentData } from './use-assignment-data.ts';
import { useFormCollaboration } from './use-form-collaboration.ts';

/**
 * What both sides of a form assignment show (R3.4): its data, the live side on `form:{id}` as
 * `activity` (the couple fills, the supplier views), the "Updated by" marks (answers and the core
 * fields bound to them) and the notes on this assignment.
 */
export function useAssignmentView(
  assignmentId: string,
  me: { id: string; name: string },
  nameOf: (userId: string | undefined) => string,
  activity: 'Filling' | 'Viewing',
) {
  const data = useAssignmentData(assignmentId, me.id);
  const live = useFormCollaboration(data, assignmentId, me, activity);
  const boundFields = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const field of data.fields)
      if (field.boundTo) map.set(field.boundTo, [...(map.get(field.boundTo) ?? []), field.id]);
    return map;
  }, [data.fields]);
  const marks = useAnswerMarks({ assignmentId, weddingId: data.weddingId, boundFields, nameOf });
  const ofAssignment = useCallback(
    (note: { fields: Record<string, unknown> }) => note.fields.assignmentId === assignmentId,
    [assignmentId],
  );
  const notes = useQuery('notes', ofAssignment);
  return { data, live, marks, notes };
}
