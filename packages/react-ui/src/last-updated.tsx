import { formatRelativeTime } from './time/relative-time.ts';
import { useNow } from './time/use-now.ts';

export interface LastUpdatedProps {
  atMs: number | null;
  byName?: string | null;
  /** Prefix; default "Last updated". */
  prefix?: string;
}

/** "Last updated 2 minutes ago by James" (R3.3), kept current as time passes. */
export function LastUpdated({ atMs, byName, prefix = 'Last updated' }: LastUpdatedProps) {
  const nowMs = useNow(15_000, atMs != null);
  if (atMs == null) return <span className="ws-last-updated ws-muted">Not updated yet</span>;
  return (
    <span className="ws-last-updated ws-muted">
      {prefix} <time dateTime={new Date(atMs).toISOString()}>{formatRelativeTime(atMs, nowMs)}</time>
      {byName ? ` by ${byName}` : null}
    </span>
  );
}
