import type { RecordView } from '@wedsync/client';
import { useQuery, useRecordStore } from '@wedsync/react';
import { type FormEvent, useId, useMemo, useState } from 'react';
import { useToast } from '../app/toast-context.tsx';
import { recordTopic, weddingsToBind } from './record-topic.ts';
import { useSupplierScope } from './supplier-context.tsx';
import { useBoundWeddings } from './use-bound-topics.ts';
import { useLiveRecords } from './use-live-records.ts';

/**
 * The team's tasks (R10.1): assign, reassign and complete, live for everyone. Assigning notifies
 * the assignee (a toast on their screen, and the server's task_assigned notification, R5.2). Team
 * tasks live in the supplier's scope; tasks of a client's wedding are written on its channel.
 */
export function TeamTasks({ disabled }: { disabled: boolean }) {
  const scope = useSupplierScope();
  const store = useRecordStore();
  const toast = useToast();
  const id = useId();
  const records = useLiveRecords('tasks');
  const weddings = useQuery('weddings');
  const [title, setTitle] = useState('');
  const [assignee, setAssignee] = useState('');
  const tasks = useMemo(
    () =>
      records
        .filter((task) => task.fields.supplierId === scope.supplierId)
        .sort(
          (a, b) =>
            Number(a.fields.status === 'done') - Number(b.fields.status === 'done') ||
            String(a.fields.title ?? '').localeCompare(String(b.fields.title ?? '')),
        ),
    [records, scope.supplierId],
  );
  useBoundWeddings(weddingsToBind(tasks), scope.user.id);
  const clientName = (weddingId: unknown) =>
    typeof weddingId === 'string'
      ? String(weddings.find((wedding) => wedding.id === weddingId)?.fields.title ?? weddingId)
      : null;
  const topicOf = (task: RecordView) => recordTopic(task.fields, scope.primaryTopic);
  const write = (run: () => void) => {
    try {
      run();
    } catch (error) {
      toast({ tone: 'error', message: `Not saved: ${(error as Error).message}` });
    }
  };

  const create = (event: FormEvent) => {
    event.preventDefault();
    const text = title.trim();
    if (!text) return;
    write(() => {
      store.create(
        'tasks',
        `task-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
        {
          supplierId: scope.supplierId,
          title: text,
          status: 'open',
          ...(assignee ? { assigneeId: assignee } : {}),
          teamOnly: true,
        },
        { topic: scope.primaryTopic },
      );
      setTitle('');
    });
  };

  return (
    <section className="team-tasks" aria-label="Team tasks">
      <h2 className="ws-section-title">Tasks</h2>
      <ul className="team-tasks__list">
        {tasks.length === 0 ? <li className="ws-muted">No tasks yet.</li> : null}
        {tasks.map((task) => {
          const taskTitle = String(task.fields.title ?? 'Task');
          const done = task.fields.status === 'done';
          const client = clientName(task.fields.weddingId);
          return (
            <li
              key={task.id}
              className="team-tasks__item"
              data-done={done || undefined}
              data-pending={task.v === 0 || undefined}
            >
              <label className="team-tasks__check">
                <input
                  type="checkbox"
                  checked={done}
                  disabled={disabled}
                  onChange={(e) =>
                    write(() => {
                      store.set('tasks', task.id, 'status', e.target.checked ? 'done' : 'open', {
                        topic: topicOf(task),
                      });
                      if (e.target.checked)
                        store.set('tasks', task.id, 'completedAtMs', Date.now(), { topic: topicOf(task) });
                    })
                  }
                />{' '}
                <span className="team-tasks__title">{taskTitle}</span>
              </label>
              {client ? <span className="ws-muted"> · {client}</span> : null}
              <select
                className="ws-input team-tasks__assignee"
                aria-label={`Assignee of ${taskTitle}`}
                value={typeof task.fields.assigneeId === 'string' ? task.fields.assigneeId : ''}
                disabled={disabled}
                onChange={(e) =>
                  write(() =>
                    store.set('tasks', task.id, 'assigneeId', e.target.value || null, { topic: topicOf(task) }),
                  )
                }
              >
                <option value="">Unassigned</option>
                {scope.team.map((person) => (
                  <option key={person.id} value={person.id}>
                    {person.name}
                  </option>
                ))}
              </select>
            </li>
          );
        })}
      </ul>
      {disabled ? null : (
        <form className="team-tasks__form" aria-label="New task" onSubmit={create}>
          <label htmlFor={`${id}-title`} className="ws-visually-hidden">
            Task title
          </label>
          <input
            id={`${id}-title`}
            className="ws-input"
            placeholder="New task…"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
          <label htmlFor={`${id}-assignee`} className="ws-visually-hidden">
            Assign to
          </label>
          <select
            id={`${id}-assignee`}
            className="ws-input"
            value={assignee}
            onChange={(e) => setAssignee(e.target.value)}
          >
            <option value="">Unassigned</option>
            {scope.team.map((person) => (
              <option key={person.id} value={person.id}>
                {person.name}
              </option>
            ))}
          </select>
          <button type="submit" className="ws-button ws-button--primary" disabled={!title.trim()}>
            Add task
          </button>
        </form>
      )}
    </section>
  );
}
