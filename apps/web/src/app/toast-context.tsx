import { type ToastQueue, ToastStack, useToastQueue } from '@wedsync/react-ui';
import { createContext, type ReactNode, useContext } from 'react';

const ToastContext = createContext<ToastQueue['push'] | null>(null);

/** One toast region for the whole app (R3.3, R15.2); pages push with useToast(). */
export function ToastProvider({ children }: { children: ReactNode }) {
  const queue = useToastQueue();
  return (
    <ToastContext.Provider value={queue.push}>
      {children}
      <ToastStack toasts={queue.toasts} onDismiss={queue.dismiss} />
    </ToastContext.Provider>
  );
}

export function useToast(): ToastQueue['push'] {
  const push = useContext(ToastContext);
  if (!push) throw new Error('useToast: wrap the tree in <ToastProvider>');
  return push;
}
