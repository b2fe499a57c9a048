/**
 * The topic to write a supplier-side record on (R2.2: a record is written on a topic of its own
 * scope). A record naming a wedding lives in that wedding's scope unless it is `teamOnly`; everything
 * else lives in the supplier's scope, written on the primary `supplier:{id}` channel.
 */
export function recordTopic(fields: Record<string, unknown>, primaryTopic: string): string {
  return typeof fields.weddingId === 'string' && fields.teamOnly !== true
    ? `wedding:${fields.weddingId}`
    : primaryTopic;
}

/** Weddings whose channels must be bound to write these records. */
export function weddingsToBind(records: readonly { fields: Record<string, unknown> }[]): string[] {
  return records.flatMap((record) =>
    typeof record.fields.weddingId === 'string' && record.fields.teamOnly !== true ? [record.fields.weddingId] : [],
  );
}
