import type { RecordStore, RecordView } from '@wedsync/client';
import type { SearchHit } from '@wedsync/protocol';
import { SEARCHED_COLLECTIONS } from '@wedsync/wedding';

/** One hit of GET /api/search, or of the local fallback (the wire type is defined once, in the protocol). */
export type { SearchHit };

const COLLECTION_LABELS: Record<string, string> = {
  weddings: 'Wedding',
  forms: 'Form',
  form_answers: 'Form answer',
  tasks: 'Task',
  meetings: 'Meeting',
  notes: 'Note',
  messages: 'Message',
  payments: 'Payment',
  journeys: 'Journey',
  team_chat: 'Team chat',
};

export function collectionLabel(c: string): string {
  return COLLECTION_LABELS[c] ?? c;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((item) => textOf((item as { v?: unknown })?.v ?? item)).join(' · ');
  if (value && typeof value === 'object') return Object.values(value).map(textOf).join(' · ');
  return '';
}

function localTitle(record: RecordView): string {
  const f = record.fields;
  for (const key of ['title', 'name', 'description', 'body']) {
    if (typeof f[key] === 'string' && f[key]) return String(f[key]).slice(0, 80);
  }
  return `${collectionLabel(record.c)} ${record.id}`;
}

/**
 * The offline fallback of search: the same case-insensitive match over every value of the records
 * this device has synced (what the user may see: the server projected them before they arrived).
 * Newest first is unknown locally, so hits come by collection, then id.
 */
export function searchLocal(store: Pick<RecordStore, 'query'>, query: string, limit: number): SearchHit[] {
  const needle = query.trim().toLocaleLowerCase();
  if (!needle) return [];
  const hits: SearchHit[] = [];
  for (const c of SEARCHED_COLLECTIONS) {
    for (const record of store.query(c)) {
      const matched: string[] = [];
      let snippet = '';
      for (const [field, value] of Object.entries(record.fields)) {
        const text = textOf(value);
        const at = text.toLocaleLowerCase().indexOf(needle);
        if (at < 0) continue;
        matched.push(field);
        if (!snippet) snippet = text.slice(Math.max(0, at - 40), at + needle.length + 40);
      }
      if (matched.length === 0) continue;
      hits.push({
        c,
        id: record.id,
        topic: record.topic,
        title: localTitle(record),
        snippet,
        matchedFields: matched,
        updatedAtMs: 0,
      });
      if (hits.length >= limit) return hits;
    }
  }
  return hits;
}
