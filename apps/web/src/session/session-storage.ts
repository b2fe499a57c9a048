import type { SessionUser } from './session-api.ts';

/** The logged-in session kept in this browser's localStorage, so a reload (even offline) stays logged in. */
export interface StoredSession {
  token: string;
  user: SessionUser;
}

const KEY = 'wedsync.session.v1';

export function loadSession(): StoredSession | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof parsed.token !== 'string' || typeof parsed.user?.id !== 'string') return null;
    return parsed as StoredSession;
  } catch {
    return null;
  }
}

export function saveSession(session: StoredSession | null): void {
  try {
    if (session) localStorage.setItem(KEY, JSON.stringify(session));
    else localStorage.removeItem(KEY);
  } catch {
    // Storage full or disabled: the session lasts for this page only.
  }
}
