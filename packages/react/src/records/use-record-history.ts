import type { Channel } from '@wedsync/client';
import { EVENTS, type HistoryEntry } from '@wedsync/protocol';
import { useCallback, useEffect, useState } from 'react';

export interface RecordHistory {
  /** Newest first, projected for me by the server (hidden fields stay hidden, R14.2). */
  entries: HistoryEntry[];
  loading: boolean;
  /** Error code of the last failed load or rollback (e.g. FORBIDDEN, RECORD_NOT_FOUND), or null. */
  error: string | null;
  /** The version whose rollback is in flight. */
  rollingBack: number | null;
  /** Writes a new version equal to version `to` (R4.2: audited, delivered to everyone like any change). */
  rollback: (to: number) => Promise<boolean>;
  reload: () => void;
}

/**
 * Version history of one record over the channel's `history` / `rollback` events (R4.2). Loads while
 * `enabled`, and again whenever the record's version changes (pass it as `version`), so a rollback or
 * anyone's edit shows up as a new entry at once.
 */
export function useRecordHistory(
  channel: Channel | null,
  c: string,
  id: string | null,
  options: { enabled: boolean; version?: number; limit?: number },
): RecordHistory {
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [rollingBack, setRollingBack] = useState<number | null>(null);
  const [reloads, setReloads] = useState(0);
  const { enabled, version, limit = 50 } = options;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` and `reloads` only trigger a reload.
  useEffect(() => {
    if (!enabled || !channel || !id) return;
    let current = true;
    setLoading(true);
    channel.push(EVENTS.history, { c, id, limit }).then(
      (reply) => {
        if (!current) return;
        setEntries((reply as { entries?: HistoryEntry[] }).entries ?? []);
        setError(null);
        setLoading(false);
      },
      (failure: { code?: string }) => {
        if (!current) return;
        setError(failure.code ?? 'SERVER_ERROR');
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [enabled, channel, c, id, limit, version, reloads]);

  const rollback = useCallback(
    async (to: number) => {
      if (!channel || !id) return false;
      setRollingBack(to);
      try {
        await channel.push(EVENTS.rollback, { c, id, to });
        setError(null);
        setReloads((n) => n + 1);
        return true;
      } catch (failure) {
        setError((failure as { code?: string }).code ?? 'SERVER_ERROR');
        return false;
      } finally {
        setRollingBack(null);
      }
    },
    [channel, c, id],
  );

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  return { entries, loading, error, rollingBack, rollback, reload };
}
