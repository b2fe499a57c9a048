import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createPgSqlClient, runMigrations, type SqlClient } from '@wedsync/storage-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTIFICATION_MIGRATIONS } from '../src/notification-migrations.ts';
import { OutboxStore } from '../src/outbox/outbox-store.ts';
import { NotificationPump } from '../src/pump/notification-pump.ts';
import { intent } from './notification-fixture.ts';
import { freshSchema } from './postgres-schema.ts';
import { startSmtpServer } from './smtp-loopback.ts';

const CHILD = fileURLToPath(new URL('./outbox-worker-child.ts', import.meta.url));
const LEASE_MS = 300;

interface ChildMessage {
  ready?: boolean;
  finished?: string;
  ok?: boolean;
  error?: string;
}

/** Starts a worker process; resolves once it runs. `messages` collects its reports. */
function startChild(
  env: Record<string, string>,
  messages: ChildMessage[],
  onMessage: () => void,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (message: ChildMessage) => {
      messages.push(message);
      if (message.ready) resolve(child);
      onMessage();
    });
  });
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

describe('R5.4 a worker process killed mid-batch and restarted: nothing sent twice, nothing missed (PostgreSQL)', () => {
  let sql: SqlClient;
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    schema = await freshSchema('notify_crash');
    sql = await createPgSqlClient({ connectionString: schema.url, schema: schema.schema, poolSize: 2 });
    await runMigrations(sql, [NOTIFICATION_MIGRATIONS]);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await sql.close();
    await schema.drop();
  });

  it('R5.4 SIGKILL during the 4th send of a 5-job batch; the restarted worker sends the rest, each email once', async () => {
    const TOTAL = 10;
    let first: ChildProcess | undefined;
    let onKilled: (victim: ChildProcess) => void = () => {};
    const killed = new Promise<ChildProcess>((resolve) => {
      onKilled = resolve;
    });
    const smtp = await startSmtpServer({
      // The 4th message is held unanswered, its sender killed, then refused: it was never accepted.
      hold: (_raw, index, release) => {
        if (index !== 3 || !first) return false;
        const victim = first;
        victim.kill('SIGKILL');
        void exited(victim)
          .then(release)
          .then(() => onKilled(victim));
        return true;
      },
    });
    try {
      const pump = new NotificationPump({ sql, render: { appUrl: 'https://app.example' } });
      const intents = Array.from({ length: TOTAL }, (_, n) =>
        intent({ id: `payment_received:${n + 1}:u-sarah`, causeSeq: n + 1, importance: 'important' }),
      );
      await pump.write(intents.map((one) => ({ seq: one.causeSeq!, intents: [one] })));

      const env = {
        DATABASE_URL: schema.url,
        OUTBOX_SCHEMA: schema.schema,
        SMTP_URL: smtp.url,
        LEASE_MS: String(LEASE_MS),
      };
      const firstMessages: ChildMessage[] = [];
      first = await startChild({ ...env, NODE_ID: 'worker-1' }, firstMessages, () => {});
      children.push(first);
      expect(await killed).toBe(first);
      expect(first.signalCode).toBe('SIGKILL');
      expect(smtp.received).toHaveLength(3);

      const store = new OutboxStore(sql);
      const emailJobs = async () =>
        (await Promise.all(intents.map((one) => store.jobsOfNotification(one.id))))
          .flat()
          .filter((job) => job.channel === 'email');
      const afterCrash = await emailJobs();
      expect(afterCrash.filter((job) => job.status === 'sent')).toHaveLength(3);
      // The job being sent and the one claimed behind it in the batch are left with their lease running.
      expect(afterCrash.filter((job) => job.status === 'sending').map((job) => job.notificationId)).toEqual([
        intents[3]!.id,
      ]);
      expect(afterCrash.filter((job) => job.status === 'claimed').map((job) => job.notificationId)).toEqual([
        intents[4]!.id,
      ]);

      const secondMessages: ChildMessage[] = [];
      let allDone: () => void = () => {};
      const done = new Promise<void>((resolve) => {
        allDone = resolve;
      });
      const second = await startChild({ ...env, NODE_ID: 'worker-2' }, secondMessages, () => {
        if (secondMessages.filter((message) => message.finished).length >= TOTAL - 3) allDone();
      });
      children.push(second);
      await done;
      second.kill('SIGTERM');
      await exited(second);

      const keys = smtp.received.map((mail) => /x-wedsync-idempotency-key: (\S+)/i.exec(mail.raw)?.[1]);
      expect(keys).toHaveLength(TOTAL);
      expect(new Set(keys).size).toBe(TOTAL);
      expect(new Set(keys)).toEqual(new Set(intents.map((one) => `${one.id}:email`)));
      expect(secondMessages.filter((message) => message.error)).toEqual([]);

      const final = await emailJobs();
      expect(final.every((job) => job.status === 'sent')).toBe(true);
      const interrupted = final.find((job) => job.notificationId === intents[3]!.id)!;
      expect(interrupted.attemptLog.map((a) => [a.nodeId, a.outcome])).toEqual([
        ['worker-1', 'interrupted'],
        ['worker-2', 'sent'],
      ]);
      const claimedOnly = final.find((job) => job.notificationId === intents[4]!.id)!;
      expect(claimedOnly.attemptLog.map((a) => [a.nodeId, a.outcome])).toEqual([['worker-2', 'sent']]);
    } finally {
      await smtp.close();
    }
  });
});
