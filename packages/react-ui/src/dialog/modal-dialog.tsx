import { type ReactNode, useEffect, useId, useRef } from 'react';

export interface ModalDialogProps {
  title: string;
  /** Closing by Escape or the backdrop; omit to require an explicit choice. */
  onClose?: () => void;
  children: ReactNode;
  /** Extra class for sizing. */
  className?: string;
  /** Description shown under the title and used as the dialog's accessible description. */
  description?: ReactNode;
}

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), textarea:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog: named by its title, focus moved inside on open, kept inside with Tab, and given back
 * to the element focused before when it closes.
 */
export function ModalDialog({ title, onClose, children, className, description }: ModalDialogProps) {
  const titleId = useId();
  const descriptionId = useId();
  const panelRef = useRef<HTMLDivElement>(null);
  const backdropRef = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  // A press on the backdrop (outside the panel) closes, when closing is allowed.
  useEffect(() => {
    const backdrop = backdropRef.current;
    if (!backdrop) return;
    const onMouseDown = (event: MouseEvent) => {
      if (event.target === backdrop) onCloseRef.current?.();
    };
    backdrop.addEventListener('mousedown', onMouseDown);
    return () => backdrop.removeEventListener('mousedown', onMouseDown);
  }, []);

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = panelRef.current?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? panelRef.current)?.focus();
    return () => previous?.focus?.();
  }, []);

  return (
    <div ref={backdropRef} className="ws-modal">
      <div
        ref={panelRef}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        tabIndex={-1}
        className={`ws-modal__panel ${className ?? ''}`}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && onClose) {
            event.stopPropagation();
            onClose();
          }
          if (event.key !== 'Tab' || !panelRef.current) return;
          const focusable = [...panelRef.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
          const first = focusable[0];
          const last = focusable[focusable.length - 1];
          if (!first || !last) return;
          if (event.shiftKey && document.activeElement === first) {
            event.preventDefault();
            last.focus();
          } else if (!event.shiftKey && document.activeElement === last) {
            event.preventDefault();
            first.focus();
          }
        }}
      >
        <h2 id={titleId} className="ws-modal__title">
          {title}
        </h2>
        {description ? (
          <div id={descriptionId} className="ws-modal__description">
            {description}
          </div>
        ) : null}
        {children}
      </div>
    </div>
  );
}
