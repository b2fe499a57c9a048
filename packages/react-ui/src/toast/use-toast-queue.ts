import { useCallback, useState } from 'react';
import type { ToastItem } from './toast-model.ts';

export interface ToastQueue {
  toasts: readonly ToastItem[];
  /** Adds a toast (an id is made when absent) and returns its id. */
  push: (toast: Omit<ToastItem, 'id'> & { id?: string }) => string;
  dismiss: (id: string) => void;
  clear: () => void;
}

/**
 * Local toast state. At most `maxVisible` (default 4) toasts show; when full the oldest subtle toast
 * leaves first, so a must-act toast is never pushed out by chatter.
 */
export function useToastQueue(maxVisible = 4): ToastQueue {
  const [toasts, setToasts] = useState<readonly ToastItem[]>([]);
  const push = useCallback(
    (toast: Omit<ToastItem, 'id'> & { id?: string }) => {
      const id = toast.id ?? `toast-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      setToasts((current) => {
        const next = [...current.filter((item) => item.id !== id), { ...toast, id }];
        while (next.length > maxVisible) {
          const subtleIndex = next.findIndex((item) => item.importance !== 'must-act');
          next.splice(subtleIndex === -1 ? 0 : subtleIndex, 1);
        }
        return next;
      });
      return id;
    },
    [maxVisible],
  );
  const dismiss = useCallback((id: string) => setToasts((current) => current.filter((item) => item.id !== id)), []);
  const clear = useCallback(() => setToasts([]), []);
  return { toasts, push, dismiss, clear };
}
