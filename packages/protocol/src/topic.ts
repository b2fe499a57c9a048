import type { DecodeResult } from './frame.ts';

/**
 * The topic grammar of SPEC R2.1. Ids are 1–64 characters of `[A-Za-z0-9_-]` (slugs or UUIDs).
 * `@supabase/realtime-js` prefixes every topic with `realtime:`; `parseTopic` accepts and strips it.
 */
export type Topic =
  | { kind: 'supplier'; supplierId: string }
  | { kind: 'supplier_team'; supplierId: string }
  | { kind: 'supplier_clients'; supplierId: string }
  | { kind: 'supplier_forms'; supplierId: string }
  | { kind: 'supplier_journeys'; supplierId: string }
  | { kind: 'couple'; coupleId: string }
  | { kind: 'couple_suppliers'; coupleId: string }
  | { kind: 'couple_tasks'; coupleId: string }
  | { kind: 'couple_timeline'; coupleId: string }
  | { kind: 'wedding'; weddingId: string }
  | { kind: 'form'; formId: string }
  | { kind: 'journey'; journeyId: string; clientId: string };

export type TopicKind = Topic['kind'];

export const SUPABASE_TOPIC_PREFIX = 'realtime:';
export const MAX_TOPIC_LENGTH = 200;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

const SUPPLIER_SUFFIX = {
  team: 'supplier_team',
  clients: 'supplier_clients',
  forms: 'supplier_forms',
  journeys: 'supplier_journeys',
} as const;
const COUPLE_SUFFIX = { suppliers: 'couple_suppliers', tasks: 'couple_tasks', timeline: 'couple_timeline' } as const;

const fail = (message: string): DecodeResult<never> => ({ ok: false, code: 'TOPIC_INVALID', message });

/** Removes the `realtime:` prefix that Supabase clients add, if present. */
export function stripSupabasePrefix(topic: string): string {
  return topic.startsWith(SUPABASE_TOPIC_PREFIX) ? topic.slice(SUPABASE_TOPIC_PREFIX.length) : topic;
}

export function parseTopic(raw: string): DecodeResult<Topic> {
  if (typeof raw !== 'string' || raw.length === 0) return fail('topic is empty');
  if (raw.length > MAX_TOPIC_LENGTH) return fail(`topic is longer than ${MAX_TOPIC_LENGTH} characters`);
  const parts = stripSupabasePrefix(raw).split(':');
  const [head, id, third, ...rest] = parts;
  if (rest.length > 0) return fail(`topic "${raw}" has too many segments`);
  if (id === undefined || !ID.test(id)) return fail(`topic "${raw}" needs an id of 1–64 letters, digits, "_" or "-"`);
  switch (head) {
    case 'supplier':
      if (third === undefined) return { ok: true, value: { kind: 'supplier', supplierId: id } };
      if (Object.hasOwn(SUPPLIER_SUFFIX, third)) {
        return { ok: true, value: { kind: SUPPLIER_SUFFIX[third as keyof typeof SUPPLIER_SUFFIX], supplierId: id } };
      }
      return fail(`unknown supplier topic "${raw}" (expected :team, :clients, :forms or :journeys)`);
    case 'couple':
      if (third === undefined) return { ok: true, value: { kind: 'couple', coupleId: id } };
      if (Object.hasOwn(COUPLE_SUFFIX, third)) {
        return { ok: true, value: { kind: COUPLE_SUFFIX[third as keyof typeof COUPLE_SUFFIX], coupleId: id } };
      }
      return fail(`unknown couple topic "${raw}" (expected :suppliers, :tasks or :timeline)`);
    case 'wedding':
      if (third !== undefined) return fail(`topic "${raw}" has too many segments`);
      return { ok: true, value: { kind: 'wedding', weddingId: id } };
    case 'form':
      if (third !== undefined) return fail(`topic "${raw}" has too many segments`);
      return { ok: true, value: { kind: 'form', formId: id } };
    case 'journey':
      if (third === undefined || !ID.test(third)) return fail(`topic "${raw}" must be journey:{id}:{clientId}`);
      return { ok: true, value: { kind: 'journey', journeyId: id, clientId: third } };
    default:
      return fail(`unknown topic kind "${head}"`);
  }
}

export function buildTopic(topic: Topic): string {
  const checkId = (id: string) => {
    if (!ID.test(id)) throw new RangeError(`invalid topic id "${id}"`);
    return id;
  };
  switch (topic.kind) {
    case 'supplier':
      return `supplier:${checkId(topic.supplierId)}`;
    case 'supplier_team':
    case 'supplier_clients':
    case 'supplier_forms':
    case 'supplier_journeys':
      return `supplier:${checkId(topic.supplierId)}:${topic.kind.slice('supplier_'.length)}`;
    case 'couple':
      return `couple:${checkId(topic.coupleId)}`;
    case 'couple_suppliers':
    case 'couple_tasks':
    case 'couple_timeline':
      return `couple:${checkId(topic.coupleId)}:${topic.kind.slice('couple_'.length)}`;
    case 'wedding':
      return `wedding:${checkId(topic.weddingId)}`;
    case 'form':
      return `form:${checkId(topic.formId)}`;
    case 'journey':
      return `journey:${checkId(topic.journeyId)}:${checkId(topic.clientId)}`;
  }
}

/**
 * Per-user topics `user:{userId}` (R5.3): one person's own records (notifications) and toasts, on
 * every device of that person. Kept outside the `Topic` union (R2.1 product topics) so exhaustive
 * switches over `Topic` stay valid; apps that serve them recognise them with `parseUserTopic` first.
 */
export const USER_TOPIC_PREFIX = 'user:';

/** The user id of a `user:{userId}` topic (`realtime:` prefix accepted), or undefined for anything else. */
export function parseUserTopic(raw: string): string | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_TOPIC_LENGTH) return undefined;
  const topic = stripSupabasePrefix(raw);
  if (!topic.startsWith(USER_TOPIC_PREFIX)) return undefined;
  const userId = topic.slice(USER_TOPIC_PREFIX.length);
  return ID.test(userId) ? userId : undefined;
}

export function buildUserTopic(userId: string): string {
  if (!ID.test(userId)) throw new RangeError(`invalid topic id "${userId}"`);
  return `${USER_TOPIC_PREFIX}${userId}`;
}
