import { createPgliteStorage, type SqlStorage } from '@wedsync/storage-postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { JourneyScheduler, journeyRunId } from '../src/index.ts';
import {
  createJourney,
  type JourneyWorld,
  logLines,
  openJourneyWorld,
  ScriptedMailer,
  startRun,
  storageWriter,
} from './journey-fixture.ts';
import { EMMA_COUPLE, PRIYA_COUPLE } from './seeded-model.ts';

const LEASE_MS = 60_000;
const ONE_EMAIL: [string, Record<string, unknown>[]][] = [
  ['Welcome', [{ id: 'hello', kind: 'send_email', label: 'Welcome email' }]],
];

/** R8: a dead node's claim is retaken; failed actions are logged, retried with backoff, and shown, never lost. */
describe('R8 journey recovery: crashed claimers, interrupted sends, failures', () => {
  let storage: SqlStorage;
  let world: JourneyWorld;
  const scheduler = (nodeId: string, mailer: ScriptedMailer, maxFailures = 5) =>
    new JourneyScheduler({
      sql: storage.sql,
      writer: storageWriter(storage, world.clock),
      directory: world.model.directory,
      mailer,
      nodeId,
      nowMs: world.clock.now,
      leaseMs: LEASE_MS,
      actionTimeoutMs: 3_600_000,
      retryBaseMs: 30_000,
      maxFailures,
    });
  const live = new ScriptedMailer();
  let node: JourneyScheduler;

  beforeAll(async () => {
    storage = await createPgliteStorage();
    world = await openJourneyWorld(storage);
    node = scheduler('live-node', live, 3);
    world.onApplied.push(async ({ applied }) => {
      for (const change of applied) await node.noteApplied(change);
    });
  }, 120_000);
  afterAll(() => storage?.close());

  const runOf = (runId: string) => world.model.directory.records.get('journey_runs', runId)!;

  test('R8 a claim of a node that died is retaken after its lease, and the module runs once', async () => {
    await createJourney(world, 'j-crash-claim', ONE_EMAIL);
    const runId = journeyRunId('j-crash-claim', EMMA_COUPLE.coupleId);
    await startRun(world, runId, 'j-crash-claim', EMMA_COUPLE);
    const dead = await node.store.claim('journey_run', {
      nodeId: 'dead-node',
      nowMs: world.clock.now(),
      leaseMs: LEASE_MS,
      limit: 10,
    });
    expect(dead.map((work) => work.key)).toEqual([runId]);
    expect(await node.tick()).toEqual([]);
    world.clock.advance(LEASE_MS);
    const turns = await node.tick();
    await world.settle();
    expect(turns).toMatchObject([{ runId, outcome: 'done' }]);
    expect(live.sent.filter((email) => email.runId === runId)).toHaveLength(1);
    expect(logLines(world.model, runId)).toEqual(['hello:started', 'hello:completed']);
    expect(runOf(runId).fields.status).toBe('completed');
    // The dead node's late release names an old claim and changes nothing.
    const stale = { kind: 'journey_run' as const, key: runId, nodeId: 'dead-node', claims: dead[0]!.claims };
    expect(await node.store.reschedule(stale, 0, { nowMs: world.clock.now() })).toBe(false);
  });

  test('R8 a node stuck mid-send loses its lease: the next node logs the interruption and sends again with the same key', async () => {
    await createJourney(world, 'j-crash-send', ONE_EMAIL);
    const runId = journeyRunId('j-crash-send', PRIYA_COUPLE.coupleId);
    const stuckMailer = new ScriptedMailer();
    let release!: () => void;
    let entered!: () => void;
    const inSend = new Promise<void>((resolve) => {
      entered = resolve;
    });
    stuckMailer.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    stuckMailer.onSend = () => entered();
    const stuck = scheduler('stuck-node', stuckMailer);
    const stuckTurn = (async () => {
      // The stuck node claims first (the live node is not ticking).
      await startRun(world, runId, 'j-crash-send', PRIYA_COUPLE);
      return stuck.tick();
    })();
    await inSend;
    await waitFor(async () => logLines(world.model, runId).includes('hello:started'), world);
    world.clock.advance(LEASE_MS + 1);
    const turns = await node.tick();
    await world.settle();
    expect(turns).toMatchObject([
      { runId, outcome: 'done', actions: ['hello:interrupted', 'hello:started', 'hello:completed'] },
    ]);
    release();
    expect(await stuckTurn).toMatchObject([{ runId, outcome: 'lost_claim' }]);
    await world.settle();
    expect(logLines(world.model, runId)).toEqual([
      'hello:started',
      'hello:interrupted',
      'hello:started',
      'hello:completed',
    ]);
    const keys = [...stuckMailer.sent, ...live.sent].filter((e) => e.runId === runId).map((e) => e.idempotencyKey);
    expect(keys).toEqual([`journey:${runId}:hello`, `journey:${runId}:hello`]);
    const log = runOf(runId).fields.log as { v: { event: string; error?: string } }[];
    expect(log.find((item) => item.v.event === 'interrupted')?.v.error).toMatch(/Interrupted/);
  });

  test('R8.1 a failed send is logged with its error and next action time, retried with backoff, then completes', async () => {
    await createJourney(world, 'j-flaky', ONE_EMAIL);
    const runId = journeyRunId('j-flaky', 'c-priya-arjun');
    live.script.push(
      { ok: false, error: 'SMTP 451 try again later' },
      { ok: false, error: 'SMTP 451 try again later' },
    );
    await startRun(world, runId, 'j-flaky', PRIYA_COUPLE);
    const start = world.clock.now();
    expect(await node.tick()).toMatchObject([{ runId, outcome: 'rescheduled', dueAtMs: start + 30_000 }]);
    await world.settle();
    expect(runOf(runId).fields.nextActionAtMs).toBe(start + 30_000);
    const failed = (runOf(runId).fields.log as { v: Record<string, unknown> }[]).at(-1)?.v;
    expect(failed).toMatchObject({ event: 'failed', error: 'SMTP 451 try again later', retryAtMs: start + 30_000 });
    expect(await node.tick()).toEqual([]);
    world.clock.advance(30_000);
    expect(await node.tick()).toMatchObject([{ outcome: 'rescheduled', dueAtMs: start + 30_000 + 60_000 }]);
    world.clock.advance(60_000);
    expect(await node.tick()).toMatchObject([{ outcome: 'done' }]);
    await world.settle();
    expect(logLines(world.model, runId)).toEqual([
      'hello:started',
      'hello:failed',
      'hello:started',
      'hello:failed',
      'hello:started',
      'hello:completed',
    ]);
    expect(runOf(runId).fields.status).toBe('completed');
  });

  test('R8.1 a run that keeps failing is marked failed with the error shown; resuming it retries', async () => {
    await createJourney(world, 'j-broken', ONE_EMAIL);
    const runId = journeyRunId('j-broken', EMMA_COUPLE.coupleId);
    live.script.push({ ok: false, error: 'Mailbox unavailable', retryable: false });
    await startRun(world, runId, 'j-broken', EMMA_COUPLE);
    expect(await node.tick()).toMatchObject([{ runId, outcome: 'failed' }]);
    await world.settle();
    expect(runOf(runId).fields).toMatchObject({ status: 'failed', nextActionAtMs: null });
    expect(await node.store.get('journey_run', runId)).toMatchObject({
      status: 'failed',
      lastError: 'Mailbox unavailable',
    });
    await world.write('u-sarah', 'journey_runs', runId, { status: 'running' });
    expect(await node.tick()).toMatchObject([{ runId, outcome: 'done' }]);
    await world.settle();
    expect(logLines(world.model, runId)).toEqual(['hello:started', 'hello:failed', 'hello:started', 'hello:completed']);
  });
});

/** Catches the model up until `check` holds (bounded; no fixed delays). */
async function waitFor(check: () => Promise<boolean>, world: JourneyWorld): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await world.settle();
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
}
