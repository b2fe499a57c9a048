import { createPgSqlClient, runMigrations, type SqlClient } from '@wedsync/storage-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTIFICATION_MIGRATIONS } from '../src/notification-migrations.ts';
import { OutboxStore } from '../src/outbox/outbox-store.ts';
import { OutboxWorker } from '../src/outbox/outbox-worker.ts';
import { NotificationPump } from '../src/pump/notification-pump.ts';
import type { ChannelSender } from '../src/senders/channel-sender.ts';
import { finishedJobs, intent } from './notification-fixture.ts';
import { freshSchema } from './postgres-schema.ts';

describe('R5.4 several workers on several connections share one PostgreSQL outbox (SKIP LOCKED)', () => {
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  const clients: SqlClient[] = [];
  const connect = async () => {
    const client = await createPgSqlClient({ connectionString: schema.url, schema: schema.schema, poolSize: 4 });
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    schema = await freshSchema('notify_claims');
    await runMigrations(await connect(), [NOTIFICATION_MIGRATIONS]);
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await schema.drop();
  });

  it('R5.4 concurrent claims of 8 claimers never hand one job to two of them', async () => {
    const sql = clients[0]!;
    const pump = new NotificationPump({ sql, render: { appUrl: 'https://app.example' } });
    // Normal importance without devices: one in-app job each; they stay claimed (60 s lease) after this test.
    const intents = Array.from({ length: 60 }, (_, n) =>
      intent({ id: `claim:${n}:u-sarah`, causeSeq: undefined, importance: 'normal' }),
    );
    await pump.write([{ intents }]);
    const stores = await Promise.all(Array.from({ length: 8 }, async () => new OutboxStore(await connect())));
    const claims = await Promise.all(
      stores.map((store, n) =>
        store.claim({ nodeId: `n${n}`, channels: ['inapp'], limit: 10, nowMs: Date.now(), leaseMs: 60_000 }),
      ),
    );
    const ids = claims.flat().map((job) => job.id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
  });

  it('R5.4 two workers (own pools) deliver 80 jobs: each sent exactly once, every attempt logged', async () => {
    const sql = clients[0]!;
    const pump = new NotificationPump({ sql, render: { appUrl: 'https://app.example' } });
    const intents = Array.from({ length: 80 }, (_, n) =>
      intent({ id: `race:${n}:u-bob`, userId: 'u-bob', causeSeq: undefined, importance: 'normal' }),
    );
    await pump.write([{ intents }]);
    const sends = new Map<string, number>();
    const sender: ChannelSender = {
      channel: 'inapp',
      via: 'test',
      idempotent: true,
      async send(job) {
        await new Promise((resolve) => setImmediate(resolve));
        sends.set(job.idempotencyKey, (sends.get(job.idempotencyKey) ?? 0) + 1);
        return { ok: true };
      },
    };
    const done = finishedJobs();
    const workers = await Promise.all(
      ['node-a', 'node-b'].map(
        async (nodeId) =>
          new OutboxWorker({
            sql: await connect(),
            nodeId,
            senders: [sender],
            batchSize: 7,
            pollIntervalMs: 20,
            onFinished: done.onFinished,
          }),
      ),
    );
    for (const worker of workers) worker.start();
    await done.until(80);
    await Promise.all(workers.map((worker) => worker.close()));
    expect(sends.size).toBe(80);
    expect([...sends.values()].every((count) => count === 1)).toBe(true);
    const rows = await sql.query<{ n: unknown; sent: unknown }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE a.outcome = 'sent') AS sent
         FROM notify_attempts a JOIN notify_jobs j ON j.id = a.job_id WHERE j.notification_id LIKE 'race:%'`,
    );
    expect(Number(rows[0]!.n)).toBe(80);
    expect(Number(rows[0]!.sent)).toBe(80);
  });
});
