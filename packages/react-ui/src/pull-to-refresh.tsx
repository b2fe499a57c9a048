import { type ReactNode, useRef, useState } from 'react';

export interface PullToRefreshProps {
  onRefresh: () => Promise<unknown> | undefined;
  /** Pull distance that triggers a refresh; default 64 px. */
  thresholdPx?: number;
  children: ReactNode;
}

type Phase = 'idle' | 'pulling' | 'armed' | 'refreshing';

/**
 * Pull-to-refresh for touch screens (R13.2). Only starts when the content is scrolled to the top.
 * The status is announced; a refresh button in the app bar remains the non-touch alternative.
 */
export function PullToRefresh({ onRefresh, thresholdPx = 64, children }: PullToRefreshProps) {
  const [pullPx, setPullPx] = useState(0);
  const [phase, setPhase] = useState<Phase>('idle');
  const startY = useRef<number | null>(null);
  const containerRef = useRef<HTMLDivElement>(null);

  const finish = async () => {
    startY.current = null;
    if (phase === 'armed') {
      setPhase('refreshing');
      setPullPx(thresholdPx);
      try {
        await onRefresh();
      } finally {
        setPhase('idle');
        setPullPx(0);
      }
    } else {
      setPhase('idle');
      setPullPx(0);
    }
  };

  const message = { idle: '', pulling: 'Pull to refresh', armed: 'Release to refresh', refreshing: 'Refreshing…' }[
    phase
  ];
  return (
    <div
      ref={containerRef}
      className="ws-ptr"
      onTouchStart={(event) => {
        // Only from the very top: of this container and of the page (the document usually scrolls, not us).
        const pageScrollY = typeof window === 'undefined' ? 0 : window.scrollY;
        if (phase === 'refreshing' || (containerRef.current?.scrollTop ?? 0) > 0 || pageScrollY > 0) return;
        startY.current = event.touches[0]?.clientY ?? null;
      }}
      onTouchMove={(event) => {
        if (startY.current == null) return;
        const distance = Math.max(0, (event.touches[0]?.clientY ?? startY.current) - startY.current);
        const damped = Math.min(thresholdPx * 1.6, distance * 0.5);
        setPullPx(damped);
        setPhase(damped >= thresholdPx ? 'armed' : damped > 0 ? 'pulling' : 'idle');
      }}
      onTouchEnd={() => void finish()}
      onTouchCancel={() => {
        startY.current = null;
        setPhase('idle');
        setPullPx(0);
      }}
    >
      <div className="ws-ptr__indicator" style={{ height: pullPx }} role="status" aria-live="polite" data-phase={phase}>
        {message ? (
          <>
            <span className="ws-ptr__spinner" aria-hidden="true" />
            {message}
          </>
        ) : null}
      </div>
      {children}
    </div>
  );
}
