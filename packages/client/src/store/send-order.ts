import type { SchemaIndex } from '@wedsync/merge';
import type { OutboxEntry } from '../outbox/outbox-types.ts';

/**
 * When a mutation must wait for an earlier one of the same record to be settled (its change seen)
 * before it travels (R11.2). The server reads a mutation's ops as made on its `base` followed by the
 * same client's earlier mutations of the record that named the same base (`mergeMutation`). So a
 * later mutation may share a batch with, or follow an unsettled, earlier one only when:
 * - the earlier one does not create the record (base 0: no confirmed version here). The server
 *   authorises every mutation of a batch against the records as they were before the batch, and an
 *   application's rights model follows commits with a delay (it is current once the change is
 *   delivered), so an edit travelling with or right after its record's create is refused as an edit
 *   of a record that does not exist (a new note's first words were lost, R3.4, R11.2);
 * - both name the same base, and the earlier one travelled (if it did) with that base;
 * - neither deletes the record;
 * - they do not both edit one text field (so a refused text edit can still be taken out of the
 *   later ones before they travel).
 */
export function mustWaitFor(schemas: SchemaIndex, later: OutboxEntry, earlier: OutboxEntry): boolean {
  const a = later.mutation;
  const b = earlier.mutation;
  if (a.c !== b.c || a.id !== b.id) return false;
  if (b.base === 0 || a.del || b.del) return true;
  if (a.base !== b.base) return true;
  if (earlier.sentBase !== undefined && earlier.sentBase !== b.base) return true;
  const collection = schemas.collection(a.c);
  const textFields = new Set(
    b.ops.filter((op) => op.k === 'text' || collection?.byId.get(op.f)?.kind === 'text').map((op) => op.f),
  );
  return a.ops.some((op) => textFields.has(op.f));
}
