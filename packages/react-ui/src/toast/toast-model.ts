/**
 * Toast notifications (R3.3, R5.1 "toast (temporary)", R15.2). `subtle` toasts report what resolved
 * itself and dismiss on their own; `must-act` toasts stay until the user acts or closes them.
 */
export type ToastImportance = 'subtle' | 'must-act';
export type ToastTone = 'info' | 'success' | 'warning' | 'error';

export interface ToastAction {
  label: string;
  onClick: () => void;
}

export interface ToastItem {
  id: string;
  message: string;
  title?: string;
  tone?: ToastTone;
  importance?: ToastImportance;
  /** Auto-dismiss delay for subtle toasts; default 5,000 ms. Ignored for must-act toasts. */
  durationMs?: number;
  action?: ToastAction;
}

export const DEFAULT_TOAST_DURATION_MS = 5000;

/** Shows any field value readably in a toast or dialog: empty → "(empty)", objects as JSON. */
export function formatFieldValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export interface FieldChangeDescription {
  actorName: string;
  fieldLabel: string;
  from: unknown;
  to: unknown;
}

/** "James changed guest count 120 → 150" (R3.3: what changed, old → new, and who). */
export function formatChangeMessage(change: FieldChangeDescription): string {
  return `${change.actorName} changed ${change.fieldLabel} ${formatFieldValue(change.from)} → ${formatFieldValue(change.to)}`;
}
