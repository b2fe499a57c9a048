import { RealtimeProvider, RecordStoreProvider } from '@wedsync/react';
import { useCallback, useEffect, useState } from 'react';
import { CoupleApp } from '../couple/couple-app.tsx';
import { GalleryPage } from '../gallery/gallery-page.tsx';
import { LoginScreen } from '../login/login-screen.tsx';
import { DeviceSyncProvider } from '../mobile/device-sync-provider.tsx';
import { useLocation } from '../routing/use-location.ts';
import { loadSession, type StoredSession, saveSession } from '../session/session-storage.ts';
import { useSessionClient } from '../session/use-session-client.ts';
import { SupplierApp } from '../supplier/supplier-app.tsx';
import { ToastProvider } from './toast-context.tsx';

/** Top level: the login screen, or the person's app (WedSync for suppliers, WedMe for couples). */
export function App() {
  const [session, setSession] = useState<StoredSession | null>(() => loadSession());
  const [notice, setNotice] = useState<string | null>(null);
  const [path, navigate] = useLocation();

  const logIn = useCallback(
    (next: StoredSession) => {
      saveSession(next);
      setSession(next);
      setNotice(null);
      navigate(next.user.kind === 'couple' ? '/couple' : '/supplier');
    },
    [navigate],
  );
  const logOut = useCallback(
    (message?: string) => {
      saveSession(null);
      setSession(null);
      setNotice(message ?? null);
      navigate('/login');
    },
    [navigate],
  );

  const home = session ? (session.user.kind === 'couple' ? '/couple' : '/supplier') : '/login';
  const inGallery = path === '/gallery';
  useEffect(() => {
    if (inGallery) return;
    const area = session?.user.kind === 'couple' ? '/couple' : '/supplier';
    if (!session && path !== '/login') navigate('/login', { replace: true });
    // Emails link to /settings/notifications (packages/notifications message-render): the delivery log.
    if (session && !path.startsWith(area)) {
      navigate(path === '/settings/notifications' ? `${area}/notifications` : home, { replace: true });
    }
  }, [session, path, home, navigate, inGallery]);

  return (
    <ToastProvider>
      {inGallery ? (
        <GalleryPage />
      ) : session ? (
        <LiveApp key={session.token} session={session} path={path} navigate={navigate} onLogout={logOut} />
      ) : (
        <LoginScreen onLoggedIn={logIn} notice={notice} />
      )}
    </ToastProvider>
  );
}

interface LiveAppProps {
  session: StoredSession;
  path: string;
  navigate: (path: string) => void;
  onLogout: (notice?: string) => void;
}

function LiveApp({ session, path, navigate, onLogout }: LiveAppProps) {
  const live = useSessionClient(session.token, session.user.id);
  if (!live?.store) return null;
  const props = { session, live, path, navigate, onLogout };
  return (
    <RealtimeProvider client={live.client}>
      <RecordStoreProvider store={live.store}>
        <DeviceSyncProvider client={live.client} store={live.store}>
          {session.user.kind === 'couple' ? <CoupleApp {...props} /> : <SupplierApp {...props} />}
        </DeviceSyncProvider>
      </RecordStoreProvider>
    </RealtimeProvider>
  );
}
