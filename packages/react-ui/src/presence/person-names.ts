/** "Jane", "Jane and Bob", "Jane, Bob and Ann", "Jane, Bob and 3 others". */
export function joinNames(names: readonly string[], maxNamed = 3): string {
  if (names.length === 0) return '';
  if (names.length === 1) return names[0] ?? '';
  if (names.length <= maxNamed) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const named = names.slice(0, maxNamed - 1);
  const others = names.length - named.length;
  return `${named.join(', ')} and ${others} others`;
}

/** Up to two initials, e.g. "Emma Wilson" → "EW". */
export function initialsOf(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : [parts[0]];
  return letters
    .map((part) => part?.[0]?.toUpperCase() ?? '')
    .join('')
    .slice(0, 2);
}

/** A stable hue per person so the same person has the same avatar colour everywhere. */
export function hueOf(id: string): number {
  let hash = 0;
  for (let index = 0; index < id.length; index++) hash = (hash * 31 + id.charCodeAt(index)) >>> 0;
  return hash % 360;
}
