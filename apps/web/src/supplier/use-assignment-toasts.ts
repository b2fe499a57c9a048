import { useRecordChanges, useRecordStore } from '@wedsync/react';
import { useToast } from '../app/toast-context.tsx';
import { useSupplierScope } from './supplier-context.tsx';

/**
 * R10.1 "task assignment notifies": when someone else's change assigns a task to me, a toast says who
 * and what, wherever I am in the app. (The server also files a task_assigned notification for the
 * bell, R5.2.) Snapshots and my own edits never toast.
 */
export function useAssignmentToasts(): void {
  const scope = useSupplierScope();
  const store = useRecordStore();
  const toast = useToast();
  useRecordChanges((changes) => {
    for (const change of changes) {
      if (change.c !== 'tasks' || change.source !== 'remote') continue;
      const assigned = change.fields.find((field) => field.name === 'assigneeId');
      if (!assigned || assigned.new !== scope.user.id || assigned.old === scope.user.id) continue;
      const title = String(store.record('tasks', change.id)?.fields.title ?? 'a task');
      toast({ tone: 'info', message: `${scope.nameOf(change.by)} assigned you “${title}”` });
    }
  });
}
