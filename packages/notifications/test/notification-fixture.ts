import type { NotificationImportance, NotificationTrigger } from '@wedsync/protocol';
import { createPgliteSqlClient, runMigrations, type SqlClient } from '@wedsync/storage-postgres';
import type { NotificationIntent } from '../src/notification-intent.ts';
import { NOTIFICATION_MIGRATIONS } from '../src/notification-migrations.ts';
import type { OutboxJob } from '../src/outbox/outbox-job.ts';
import type { SendResult } from '../src/senders/channel-sender.ts';

/** In-memory PGlite with the notification tables. */
export async function notificationDatabase(): Promise<SqlClient> {
  const sql = await createPgliteSqlClient();
  await runMigrations(sql, [NOTIFICATION_MIGRATIONS]);
  return sql;
}

let counter = 0;

export function intent(overrides: Partial<NotificationIntent> & { userId?: string } = {}): NotificationIntent {
  counter++;
  const trigger: NotificationTrigger = overrides.trigger ?? 'form_submitted';
  const importance: NotificationImportance = overrides.importance ?? 'important';
  const userId = overrides.userId ?? 'u-sarah';
  return {
    id: `${trigger}:${1000 + counter}:${userId}`,
    userId,
    trigger,
    importance,
    title: 'Form submitted',
    body: 'Emma completed the timeline form',
    link: '/clients/w-emma-james',
    causeSeq: 1000 + counter,
    createdAtMs: Date.UTC(2026, 0, 15, 12, 0, 0),
    contact: { email: 'sarah@lenslight.example', name: 'Sarah Bennett', phone: '+447700900123' },
    ...overrides,
  };
}

/** Resolves after `count` final outcomes reported through the worker's `onFinished` (no polling). */
export function finishedJobs() {
  const finished: { job: OutboxJob; result: SendResult }[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  return {
    finished,
    onFinished(job: OutboxJob, result: SendResult) {
      finished.push({ job, result });
      for (const waiter of [...waiters]) {
        if (finished.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    },
    until(count: number, timeoutMs = 10_000): Promise<void> {
      if (finished.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${finished.length}/${count} jobs finished`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}

/** Decodes a quoted-printable MIME part body (soft breaks and =XX escapes, UTF-8). */
export function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const joined = text.replace(/=\r?\n/g, '');
  for (let index = 0; index < joined.length; index++) {
    const char = joined[index]!;
    if (char === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(index + 1, index + 3))) {
      bytes.push(Number.parseInt(joined.slice(index + 1, index + 3), 16));
      index += 2;
    } else bytes.push(...Buffer.from(char, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
