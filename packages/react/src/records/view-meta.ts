import type { RecordView } from '@wedsync/client';

/**
 * What the store's change notices leave out: a record's confirmed version and its unconfirmed fields.
 * The store announces changes of visible values only, so an own edit confirmed with the value it
 * already showed changes `v` and `pendingFields` silently; the record hooks also watch the outbox
 * (every enqueue, acknowledgement and settlement) and compare this key to stay current ("Saving…"
 * clears, a created record gets its version).
 */
export function viewMeta(view: RecordView | undefined): string {
  return view ? `${view.id}\u0000${view.v}\u0000${view.pendingFields.join(',')}` : '';
}

export function rowsMeta(rows: readonly RecordView[]): string {
  return rows.map(viewMeta).join('\u0001');
}
