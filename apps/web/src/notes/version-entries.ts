import type { HistoryEntry } from '@wedsync/protocol';
import type { VersionEntry } from '@wedsync/react-ui';

/**
 * History entries (server projection, newest first) as the version panel shows them (R4.2): who,
 * when, and a readable summary of what each version changed, with field names from `labels`.
 */
export function versionEntries(
  entries: readonly HistoryEntry[],
  options: {
    fieldNameOf: (fieldId: number) => string | undefined;
    labels: Readonly<Record<string, string>>;
    format: (field: string, value: unknown) => string;
    nameOf: (userId: string | undefined) => string;
  },
): VersionEntry[] {
  return entries.map((entry) => {
    const parts: string[] = [];
    for (const op of entry.ops) {
      const name = options.fieldNameOf(op.f);
      if (!name) continue;
      const label = options.labels[name];
      if (!label) continue;
      if (op.k === 'text') parts.push(`${label} edited`);
      else if (op.k === 'add') parts.push(`${label}: item added`);
      else if (op.k === 'remove') parts.push(`${label}: item removed`);
      else parts.push(`${label} → ${options.format(name, op.v)}`);
    }
    const summary = entry.del
      ? 'Deleted'
      : parts.length > 0
        ? [...new Set(parts)].join('; ')
        : entry.v === 1
          ? 'Created'
          : 'Other changes';
    const version: VersionEntry = {
      v: entry.v,
      byName: options.nameOf(entry.by),
      atMs: Date.parse(entry.at) || 0,
      summary,
    };
    if (entry.rollbackOf !== undefined) version.rollbackOf = entry.rollbackOf;
    return version;
  });
}
