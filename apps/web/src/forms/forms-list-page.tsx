import type { RecordView } from '@wedsync/client';
import { useQuery } from '@wedsync/react';
import { useCallback } from 'react';
import { FormProgressBar } from './form-progress-bar.tsx';
import { useAssignmentData } from './use-assignment-data.ts';
import './forms.css';

export interface FormsListPageProps {
  weddingId: string | null;
  me: { id: string; name: string };
  onOpen: (assignmentId: string) => void;
}

/** WedMe: the forms suppliers assigned to the couple, with live completion (R3.4). */
export function FormsListPage({ weddingId, me, onOpen }: FormsListPageProps) {
  const ofWedding = useCallback((record: RecordView) => record.fields.weddingId === weddingId, [weddingId]);
  const assignments = useQuery('form_assignments', ofWedding);
  return (
    <div className="page">
      <h1 className="page__title">Forms</h1>
      {assignments.length === 0 ? <p className="ws-muted">No forms to fill yet.</p> : null}
      <ul className="forms-list">
        {assignments.map((assignment) => (
          <AssignmentCard key={assignment.id} assignmentId={assignment.id} me={me} onOpen={onOpen} />
        ))}
      </ul>
    </div>
  );
}

function AssignmentCard({
  assignmentId,
  me,
  onOpen,
}: {
  assignmentId: string;
  me: { id: string };
  onOpen: (id: string) => void;
}) {
  const data = useAssignmentData(assignmentId, me.id);
  const status = String(data.assignment?.fields.status ?? 'assigned');
  const submittedAtMs =
    status === 'submitted' && typeof data.assignment?.fields.submittedAtMs === 'number'
      ? data.assignment.fields.submittedAtMs
      : null;
  return (
    <li className="card forms-list__item">
      <div className="forms-list__head">
        <h2 className="ws-section-title">{data.title}</h2>
        <button type="button" className="ws-button ws-button--small" onClick={() => onOpen(assignmentId)}>
          {status === 'submitted' ? `View ${data.title}` : `Fill in ${data.title}`}
        </button>
      </div>
      <FormProgressBar title={data.title} progress={data.progress} submittedAtMs={submittedAtMs} />
    </li>
  );
}
