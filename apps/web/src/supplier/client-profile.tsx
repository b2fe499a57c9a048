import { PresenceAvatars, type PresencePerson } from '@wedsync/react-ui';
import { useSharedPresence } from '../app/use-shared-presence.ts';
import { WeddingDetails } from '../couple/wedding-details.tsx';
import { ClientForms } from '../forms/client-forms.tsx';
import { ClientNotes } from '../notes/client-notes.tsx';
import type { SessionUser } from '../session/session-api.ts';
import { useSupplierScope } from './supplier-context.tsx';

/**
 * A client's profile (R2.3, R4.3): while open, the wedding's channel is joined, the supplier shows
 * as "Viewing" to everyone on it, and the core fields update live with glow and toasts (R3.1–R3.3).
 */
export function ClientProfile({
  weddingId,
  me,
  team,
}: {
  weddingId: string;
  me: SessionUser;
  team: readonly PresencePerson[];
}) {
  const viewers = useSharedPresence(`wedding:${weddingId}`, me, { location: 'Client profile', activity: 'Viewing' });
  const scope = useSupplierScope();
  const who = { id: me.id, name: me.name };
  return (
    <div className="page">
      <div className="page__header-row">
        <h1 className="page__title">Client</h1>
        <PresenceAvatars people={viewers} label="On this wedding" />
      </div>
      <div className="card">
        <WeddingDetails weddingId={weddingId} me={me} people={[...viewers, ...team]} editable={false} />
      </div>
      {/* Forms and shared notes of this client, live (R3.4, R4.2). */}
      <ClientForms weddingId={weddingId} supplierId={scope.supplierId} me={who} nameOf={scope.nameOf} />
      <ClientNotes weddingId={weddingId} me={who} nameOf={scope.nameOf} />
    </div>
  );
}
