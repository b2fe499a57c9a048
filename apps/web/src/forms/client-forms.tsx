import type { RecordView } from '@wedsync/client';
import { useQuery } from '@wedsync/react';
import { useCallback } from 'react';
import { FormLiveView } from './form-live-view.tsx';
import './forms.css';

export interface ClientFormsProps {
  weddingId: string;
  supplierId: string | null;
  me: { id: string; name: string };
  nameOf: (userId: string | undefined) => string;
}

/** WedSync client profile: the forms assigned to this client, each live (R3.4). */
export function ClientForms({ weddingId, supplierId, me, nameOf }: ClientFormsProps) {
  const ofClient = useCallback(
    (record: RecordView) =>
      record.fields.weddingId === weddingId && (supplierId === null || record.fields.supplierId === supplierId),
    [weddingId, supplierId],
  );
  const assignments = useQuery('form_assignments', ofClient);
  return (
    <section className="card client-forms" aria-label="Forms">
      <h2 className="ws-section-title">Forms</h2>
      {assignments.length === 0 ? <p className="ws-muted">No forms assigned to this client.</p> : null}
      {assignments.map((assignment) => (
        <FormLiveView
          key={assignment.id}
          assignmentId={assignment.id}
          me={me}
          nameOf={nameOf}
          supplierId={supplierId}
        />
      ))}
    </section>
  );
}
