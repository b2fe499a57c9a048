import { parseTopic } from '@wedsync/protocol';

/** Ids of the primary entities of the logged-in person, read from their granted topics (GET /api/me). */
export interface TopicIds {
  supplierId: string | null;
  coupleId: string | null;
  weddingIds: string[];
}

export function topicIds(topics: readonly string[]): TopicIds {
  const ids: TopicIds = { supplierId: null, coupleId: null, weddingIds: [] };
  for (const raw of topics) {
    const parsed = parseTopic(raw);
    if (!parsed.ok) continue;
    const topic = parsed.value;
    if (topic.kind === 'supplier') ids.supplierId ??= topic.supplierId;
    if (topic.kind === 'couple') ids.coupleId ??= topic.coupleId;
    if (topic.kind === 'wedding' && !ids.weddingIds.includes(topic.weddingId)) ids.weddingIds.push(topic.weddingId);
  }
  return ids;
}
