import type { RecordView } from '@wedsync/client';

/**
 * The channel a record of the WedSync model is written through (R2.2): a write must go to a topic
 * whose scope is the record's own — `wedding:{id}` for everything of a wedding, `supplier:{id}` for a
 * team's own records. A record also arrives on other channels (a supplier gets wedding records on
 * `supplier:{id}` too), and the store's default, the channel it came on first, may refuse the write.
 * Undefined: keep the store's default.
 */
export function writeTopicOf(record: Pick<RecordView, 'c' | 'id' | 'fields'> | undefined): string | undefined {
  if (!record) return undefined;
  if (record.c === 'weddings') return `wedding:${record.id}`;
  const { weddingId, supplierId, teamOnly, userId } = record.fields;
  if (record.c === 'notifications' && typeof userId === 'string') return `user:${userId}`;
  if (typeof weddingId === 'string' && weddingId && teamOnly !== true) return `wedding:${weddingId}`;
  if (typeof supplierId === 'string' && supplierId) return `supplier:${supplierId}`;
  return undefined;
}
