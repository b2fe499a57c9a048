import { type RefObject, useCallback, useEffect, useState } from 'react';

/**
 * Windowing for long lists (the "no UI freeze during large syncs" guard): only rows inside the
 * scroll viewport plus `overscanRows` either side are rendered, so 1,000 incoming items cost the
 * same render work as 30. Rows have a fixed height in px. Where layout is unknown (no viewport
 * height yet, e.g. before first paint or in a DOM without layout) `fallbackViewportPx` is used.
 */
export interface VirtualRowsOptions {
  count: number;
  rowHeightPx: number;
  viewportRef: RefObject<HTMLElement | null>;
  overscanRows?: number;
  fallbackViewportPx?: number;
}

export interface VirtualRows {
  startIndex: number;
  /** Exclusive end. */
  endIndex: number;
  padTopPx: number;
  padBottomPx: number;
  scrollTopPx: number;
}

export function useVirtualRows(options: VirtualRowsOptions): VirtualRows {
  const { count, rowHeightPx, viewportRef, overscanRows = 8, fallbackViewportPx = 600 } = options;
  const [scrollTopPx, setScrollTopPx] = useState(0);
  const [viewportPx, setViewportPx] = useState(0);

  const measure = useCallback(() => {
    const element = viewportRef.current;
    if (!element) return;
    setScrollTopPx(element.scrollTop);
    setViewportPx(element.clientHeight);
  }, [viewportRef]);

  useEffect(() => {
    const element = viewportRef.current;
    if (!element) return;
    measure();
    element.addEventListener('scroll', measure, { passive: true });
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(measure) : null;
    observer?.observe(element);
    return () => {
      element.removeEventListener('scroll', measure);
      observer?.disconnect();
    };
  }, [viewportRef, measure]);

  const heightPx = viewportPx > 0 ? viewportPx : fallbackViewportPx;
  const firstVisible = Math.floor(scrollTopPx / rowHeightPx);
  const visibleRows = Math.ceil(heightPx / rowHeightPx) + 1;
  const startIndex = Math.max(0, Math.min(count, firstVisible - overscanRows));
  const endIndex = Math.max(startIndex, Math.min(count, firstVisible + visibleRows + overscanRows));
  return {
    startIndex,
    endIndex,
    padTopPx: startIndex * rowHeightPx,
    padBottomPx: (count - endIndex) * rowHeightPx,
    scrollTopPx,
  };
}
