import { useEffect, useMemo } from 'react';

const key = (userId: string) => `wedsync.wedding.${userId}`;

/**
 * The couple's wedding id, remembered on this device: after a reload while offline GET /api/me cannot
 * answer, yet the wedding (and its queued changes) must still show (R11.1). The id is no secret; the
 * server decides every right again when the channel joins (R2.2).
 */
export function useRememberedWeddingId(userId: string, fromServer: string | null): string | null {
  const remembered = useMemo(() => {
    try {
      return localStorage.getItem(key(userId));
    } catch {
      return null;
    }
  }, [userId]);
  useEffect(() => {
    if (!fromServer) return;
    try {
      localStorage.setItem(key(userId), fromServer);
    } catch {
      // Storage full or disabled: only an offline reload loses the shortcut.
    }
  }, [userId, fromServer]);
  return fromServer ?? remembered;
}
