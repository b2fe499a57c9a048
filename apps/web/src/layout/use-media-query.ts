import { useCallback, useSyncExternalStore } from 'react';

/** True while the media query matches (e.g. the 390×844 mobile layout, R13.2). */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const media = window.matchMedia(query);
      media.addEventListener('change', onChange);
      return () => media.removeEventListener('change', onChange);
    },
    [query],
  );
  const read = useCallback(() => window.matchMedia(query).matches, [query]);
  return useSyncExternalStore(subscribe, read, () => false);
}

export const MOBILE_QUERY = '(max-width: 640px)';
