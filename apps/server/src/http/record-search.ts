import { createHash } from 'node:crypto';
import type { SearchHit } from '@wedsync/protocol';
import { type ListItem, SEARCHED_COLLECTIONS } from '@wedsync/wedding';

export type { SearchHit };

import { type ApiRecord, audiencesOf, readTopicRecords, type WeddingApiContext } from './topic-records.ts';

export interface SearchResult {
  query: string;
  hits: SearchHit[];
  /** Changes whenever the hits change (compare it to decide whether to re-render; pass it back to wait). */
  etag: string;
  /** Every log scope the search read; a change in one of them may change the hits. */
  scopes: string[];
}

const SEARCHED = new Set<string>(SEARCHED_COLLECTIONS);

/**
 * Full-text search over every record the caller may see (R13 scenario 11, R14.2): for each of the
 * caller's audiences, the records of its primary topic (`couple:{id}` / `supplier:{id}`), projected
 * exactly like a channel snapshot, then matched case-insensitively against every visible value
 * (text, numbers, list items). A field hidden from the caller can never match.
 */
export async function searchRecords(
  ctx: Pick<WeddingApiContext, 'model' | 'storage'>,
  userId: string,
  query: string,
  limit: number,
): Promise<SearchResult> {
  const needle = query.trim().toLocaleLowerCase();
  const hits = new Map<string, SearchHit>();
  const scopes = new Set<string>();
  for (const { audience, topic } of audiencesOf(ctx.model, userId)) {
    for (const scope of ctx.model.recordSyncHooks().scopesForTopic(topic)) scopes.add(scope);
    for (const record of await readTopicRecords(ctx, topic, audience, SEARCHED)) {
      const key = `${record.c}/${record.id}`;
      if (hits.has(key)) continue;
      const hit = match(ctx, record, needle, topic);
      if (hit) hits.set(key, hit);
    }
  }
  const sorted = [...hits.values()]
    .sort((a, b) => b.updatedAtMs - a.updatedAtMs || a.c.localeCompare(b.c) || a.id.localeCompare(b.id))
    .slice(0, limit);
  const etag = createHash('sha256').update(JSON.stringify(sorted)).digest('base64url').slice(0, 22);
  return { query, hits: sorted, etag, scopes: [...scopes].sort() };
}

function match(
  ctx: Pick<WeddingApiContext, 'model'>,
  record: ApiRecord,
  needle: string,
  topic: string,
): SearchHit | undefined {
  const matchedFields: string[] = [];
  let snippet = '';
  for (const [field, value] of Object.entries(record.fields)) {
    const text = searchableText(value);
    const at = text.toLocaleLowerCase().indexOf(needle);
    if (at < 0) continue;
    matchedFields.push(field);
    if (!snippet) snippet = excerpt(text, at, needle.length);
  }
  if (matchedFields.length === 0) return undefined;
  return {
    c: record.c,
    id: record.id,
    topic,
    title: titleOf(ctx, record),
    snippet,
    matchedFields,
    updatedAtMs: record.updatedAtMs,
  };
}

/** The text of a value: strings and numbers as they are, list items and objects by their values. */
function searchableText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    return value.map((item) => searchableText((item as ListItem)?.v ?? item)).join(' · ');
  }
  if (value && typeof value === 'object') return Object.values(value).map(searchableText).join(' · ');
  return '';
}

function excerpt(text: string, at: number, length: number): string {
  const start = Math.max(0, at - 40);
  const end = Math.min(text.length, at + length + 40);
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}

function titleOf(ctx: Pick<WeddingApiContext, 'model'>, record: ApiRecord): string {
  const f = record.fields;
  const str = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);
  switch (record.c) {
    case 'messages':
      return `Message from ${ctx.model.directory.displayName(String(f.senderId ?? ''))}`;
    case 'team_chat':
      return `Team chat: ${ctx.model.directory.displayName(String(f.senderId ?? ''))}`;
    case 'journeys':
      return str(f.name) ?? 'Journey';
    case 'payments':
      return str(f.description) ?? 'Payment';
    case 'form_answers': {
      const assignment = ctx.model.directory.records.get('form_assignments', String(f.assignmentId));
      const form = assignment && ctx.model.directory.records.get('forms', String(assignment.fields.formId));
      const items = Array.isArray(form?.fields.fields) ? (form.fields.fields as ListItem<{ label?: string }>[]) : [];
      const label = items.find((item) => item.id === f.formFieldId)?.v?.label;
      return `${str(form?.fields.title) ?? 'Form'}: ${label ?? 'answer'}`;
    }
    default:
      return str(f.title) ?? `${record.c} ${record.id}`;
  }
}
