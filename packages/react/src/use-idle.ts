import { useEffect, useState } from 'react';

const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'focus'] as const;

/**
 * R4.3 active/idle: 'idle' after `idleAfterMs` (default 60 s) without input, or at once while the tab
 * is hidden; 'active' again on the next input. Listeners are passive and removed on unmount.
 */
export function useIdle(idleAfterMs = 60_000): 'active' | 'idle' {
  const [status, setStatus] = useState<'active' | 'idle'>('active');
  useEffect(() => {
    if (typeof window === 'undefined') return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => setStatus('idle'), idleAfterMs);
    };
    const onActivity = () => {
      if (document.visibilityState === 'hidden') return;
      setStatus('active');
      arm();
    };
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') {
        clearTimeout(timer);
        setStatus('idle');
      } else onActivity();
    };
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onActivity, { passive: true });
    document.addEventListener('visibilitychange', onVisibility);
    arm();
    return () => {
      clearTimeout(timer);
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onActivity);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [idleAfterMs]);
  return status;
}
