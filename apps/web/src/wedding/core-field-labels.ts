import { formatFieldValue } from '@wedsync/react-ui';

/** The wedding core fields shown in both apps (R3.1), with their labels as people read them. */
export const CORE_FIELD_LABELS: Readonly<Record<string, string>> = {
  date: 'Wedding date',
  venue: 'Venue',
  guestCount: 'Guest count',
  contact: 'Contact',
  timeline: 'Timeline',
};

/** A core field's value as text in toasts and history. */
export function coreFieldText(field: string, value: unknown): string {
  if (field === 'contact' && value && typeof value === 'object') {
    const contact = value as { email?: string; phone?: string };
    return [contact.email, contact.phone].filter(Boolean).join(' · ') || '(empty)';
  }
  if (field === 'timeline' && Array.isArray(value)) return `${value.length} items`;
  return formatFieldValue(value);
}
