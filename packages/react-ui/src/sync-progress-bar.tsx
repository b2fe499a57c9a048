export interface SyncProgress {
  done: number;
  total: number;
}

/** A labelled progress bar for replaying the offline queue (R11.2 "sync progress shown"). */
export function SyncProgressBar({ progress, label = 'Sync progress' }: { progress: SyncProgress; label?: string }) {
  const total = Math.max(progress.total, 0);
  const done = Math.min(Math.max(progress.done, 0), total);
  const percent = total === 0 ? 100 : Math.round((done / total) * 100);
  return (
    <div className="ws-progress">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${done} of ${total} changes synced`}
        className="ws-progress__track"
      >
        <div className="ws-progress__fill" style={{ width: `${percent}%` }} />
      </div>
      <span className="ws-progress__text">
        {done} / {total}
      </span>
    </div>
  );
}
