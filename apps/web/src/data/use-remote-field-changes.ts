import { useRecordChanges } from '@wedsync/react';
import { formatChangeMessage, type PresencePerson } from '@wedsync/react-ui';
import { useState } from 'react';
import { useToast } from '../app/toast-context.tsx';
import type { SessionUser } from '../session/session-api.ts';
import { nameOf } from './people-names.ts';

export interface FieldChangeMark {
  /** Increases with every remote change of the field (drives the glow). */
  count: number;
  byName: string;
  atMs: number;
}

export interface RemoteChangeOptions {
  c: string;
  id: string | null;
  me: SessionUser;
  people: readonly PresencePerson[];
  labels: Readonly<Record<string, string>>;
  format: (field: string, value: unknown) => string;
}

/**
 * Someone else's committed changes to one record (R3.3): per field a mark for the glow and the
 * "last updated" line, and a toast "James changed guest count 120 → 150" for each labelled field.
 */
export function useRemoteFieldChanges(options: RemoteChangeOptions): Readonly<Record<string, FieldChangeMark>> {
  const toast = useToast();
  const [marks, setMarks] = useState<Readonly<Record<string, FieldChangeMark>>>({});
  useRecordChanges((changes) => {
    for (const change of changes) {
      if (change.c !== options.c || change.id !== options.id || change.source !== 'remote') continue;
      const byName = nameOf(change.by, options.me, options.people);
      const atMs = change.at ? Date.parse(change.at) : Date.now();
      const labelled = change.fields.filter((field) => options.labels[field.name]);
      if (labelled.length === 0) continue;
      setMarks((current) => {
        const next = { ...current };
        for (const field of labelled) next[field.name] = { count: (current[field.name]?.count ?? 0) + 1, byName, atMs };
        return next;
      });
      for (const field of labelled) {
        toast({
          tone: 'info',
          message: formatChangeMessage({
            actorName: byName,
            fieldLabel: (options.labels[field.name] ?? field.name).toLowerCase(),
            from: options.format(field.name, field.old),
            to: options.format(field.name, field.new),
          }),
        });
      }
    }
  });
  return marks;
}
