import type { Directory } from '../directory/directory.ts';

/**
 * Team members mentioned in a text as `@Name` (R5.2 team mention, R10.1): `@Bob`, `@bob`, `@Bob Turner`
 * (first or full display name, case-insensitive, not followed by a letter or digit). Only members of
 * `supplierId`'s team can be mentioned. Returns user ids, sorted.
 */
export function mentionedTeamMembers(directory: Directory, supplierId: string, text: string): string[] {
  if (!text.includes('@')) return [];
  const found = new Set<string>();
  for (const { userId } of directory.teamOf(supplierId)) {
    const full = directory.displayName(userId);
    const first = full.split(/\s+/)[0] ?? full;
    for (const name of new Set([full, first])) {
      if (name.length === 0) continue;
      const pattern = new RegExp(`(^|[^\\p{L}\\p{N}_])@${escapeRegExp(name)}(?![\\p{L}\\p{N}_])`, 'iu');
      if (pattern.test(text)) found.add(userId);
    }
  }
  return [...found].sort();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
