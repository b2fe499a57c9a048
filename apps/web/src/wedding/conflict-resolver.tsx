import { useManualConflicts, useRecordStore } from '@wedsync/react';
import { type ConflictChoice, ConflictDialog } from '@wedsync/react-ui';
import { writeTopicOf } from '../data/write-topic.ts';
import { CORE_FIELD_LABELS } from './core-field-labels.ts';

export interface ConflictResolverProps {
  nameOf: (userId: string | undefined) => string;
}

/**
 * The resolution dialog for `manual` fields (R4.2, R15.1): when the server returns a conflict for an
 * edit made against a value that has since changed (the wedding date, typically after editing
 * offline), the user sees both versions and keeps theirs, keeps mine or saves a merged value. Mine
 * and merged are written as a new mutation against the current version; theirs needs no write.
 */
export function ConflictResolver({ nameOf }: ConflictResolverProps) {
  const store = useRecordStore();
  const conflicts = useManualConflicts();
  const current = conflicts.pending[0];
  if (!current) return null;
  const { conflict } = current;
  const label = (CORE_FIELD_LABELS[current.field] ?? current.field).toLowerCase();
  const topic = writeTopicOf(store.record(current.c, current.id));
  const resolve = (choice: ConflictChoice) => {
    if (choice.kind === 'theirs') conflicts.resolve(current, null);
    else if (choice.kind === 'mine') conflicts.resolve(current, conflict.mine, topic);
    else conflicts.resolve(current, choice.value.trim(), topic);
  };
  return (
    <ConflictDialog
      key={current.key}
      fieldLabel={label}
      base={conflict.base}
      mine={conflict.mine}
      theirs={conflict.theirs}
      theirsByName={nameOf(conflict.by)}
      theirsAtMs={Date.parse(conflict.at) || Date.now()}
      onResolve={resolve}
      onCancel={() => conflicts.dismiss(current)}
    />
  );
}
