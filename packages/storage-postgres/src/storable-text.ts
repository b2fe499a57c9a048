/**
 * Whether every string in `value` (walked through arrays and objects, keys included) can be stored in
 * PostgreSQL text and jsonb: no NUL character (U+0000) and no lone UTF-16 surrogate. PostgreSQL refuses
 * either with an error that would fail the whole transaction — and, with group commit, every request
 * in it — so they are refused per mutation as VALIDATION_FAILED instead (R11.2). Strings are checked
 * as strings: a user's literal backslash followed by "u0000" is ordinary text.
 */
export function isStorableText(value: unknown): boolean {
  if (typeof value === 'string') return isStorableString(value);
  if (Array.isArray(value)) return value.every(isStorableText);
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) if (!isStorableString(key) || !isStorableText(item)) return false;
  }
  return true;
}

/** A high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function isStorableString(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}
