import { createPgliteStorage, type SqlStorage } from '@wedsync/storage-postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DAY_MS, JourneyScheduler, journeyRunId, type RunTurn } from '../src/index.ts';
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

const JOURNEY = 'j-test-welcome';
const RUN = journeyRunId(JOURNEY, EMMA_COUPLE.coupleId);

/**
 * R8 on one PGlite database with two scheduler instances (two "nodes"): each due module of each run
 * is performed once, progress is committed to the run record (module started/completed, stage,
 * next action time), the wait module waits on the injected clock.
 */
describe('R8 journey scheduler, two instances on one database', () => {
  let storage: SqlStorage;
  let world: JourneyWorld;
  const mailers = [new ScriptedMailer(), new ScriptedMailer()];
  let schedulers: JourneyScheduler[];

  beforeAll(async () => {
    storage = await createPgliteStorage();
    world = await openJourneyWorld(storage);
    schedulers = mailers.map(
      (mailer, n) =>
        new JourneyScheduler({
          sql: storage.sql,
          writer: storageWriter(storage, world.clock),
          directory: world.model.directory,
          mailer,
          nodeId: `node-${n}`,
          nowMs: world.clock.now,
          leaseMs: 60_000,
        }),
    );
    world.onApplied.push(async ({ applied }) => {
      for (const change of applied) for (const scheduler of schedulers) await scheduler.noteApplied(change);
    });
    for (const scheduler of schedulers) await scheduler.enqueueAll();
    await createJourney(world, JOURNEY, [
      [
        'Welcome',
        [
          { id: 'hello', kind: 'send_email', label: 'Welcome email' },
          { id: 'questionnaire', kind: 'send_form', label: 'Questionnaire', formId: 'f-lenslight-questionnaire' },
        ],
      ],
      ['Planning', [{ id: 'pause', kind: 'wait', label: 'Wait 2 days', waitDays: 2 }]],
      ['Pre-wedding', [{ id: 'nudge', kind: 'reminder', label: 'Questionnaire reminder' }]],
    ]);
  }, 120_000);
  afterAll(async () => {
    for (const scheduler of schedulers ?? []) await scheduler.stop();
    await storage?.close();
  });

  /** Both nodes tick at once until neither finds due work; changes are followed in between. */
  async function runBoth(): Promise<RunTurn[]> {
    const turns: RunTurn[] = [];
    for (let round = 0; round < 20; round++) {
      const batch = (await Promise.all(schedulers.map((s) => s.tick()))).flat();
      await world.settle();
      turns.push(...batch);
      if (batch.length === 0) return turns;
    }
    throw new Error('the schedulers never settled');
  }

  const sentKeys = () => mailers.flatMap((m) => m.sent.map((email) => `${email.runId}/${email.moduleId}`));

  test('R8.1 a new run performs its due modules once, then waits, with stage and next action time', async () => {
    await startRun(world, RUN, JOURNEY, EMMA_COUPLE);
    await runBoth();
    expect(sentKeys().filter((key) => key.startsWith(RUN))).toEqual([`${RUN}/hello`, `${RUN}/questionnaire`]);
    expect(logLines(world.model, RUN)).toEqual([
      'hello:started',
      'hello:completed',
      'questionnaire:started',
      'questionnaire:completed',
      'pause:started',
    ]);
    const run = world.model.directory.records.get('journey_runs', RUN)!;
    expect(run.fields.stageIndex).toBe(1);
    expect(run.fields.status).toBe('running');
    expect(run.fields.nextActionAtMs).toBe(world.clock.now() + 2 * DAY_MS);
    // Emma already had the questionnaire (seed): the form module reused that assignment.
    const completed = (run.fields.log as { v: { moduleId: string; event: string; detail?: unknown } }[]).find(
      (item) => item.v.moduleId === 'questionnaire' && item.v.event === 'completed',
    );
    expect(completed?.v.detail).toMatchObject({
      assignmentId: 'a-emma-questionnaire',
      to: ['Emma Wilson', 'James Carter'],
    });
    expect(JSON.stringify(run.fields.log)).not.toContain('@');
  });

  test('R8.1 nothing is due before the wait ends; after it the reminder runs once and the run completes', async () => {
    world.clock.advance(DAY_MS);
    expect((await runBoth()).filter((turn) => turn.runId === RUN)).toEqual([]);
    world.clock.advance(DAY_MS);
    await runBoth();
    expect(sentKeys().filter((key) => key.startsWith(RUN))).toEqual([
      `${RUN}/hello`,
      `${RUN}/questionnaire`,
      `${RUN}/nudge`,
    ]);
    const run = world.model.directory.records.get('journey_runs', RUN)!;
    expect(logLines(world.model, RUN).slice(5)).toEqual(['pause:completed', 'nudge:started', 'nudge:completed']);
    expect(run.fields).toMatchObject({ status: 'completed', stageIndex: 2, nextActionAtMs: null });
    expect(await schedulers[0]!.store.get('journey_run', RUN)).toMatchObject({ status: 'done' });
  });

  test('R8 the seeded runs continue on the same schedulers: every module of every run is sent exactly once', async () => {
    world.clock.advance(20 * DAY_MS);
    await runBoth();
    const keys = sentKeys();
    expect(new Set(keys).size).toBe(keys.length);
    const priyaRun = journeyRunId('j-lenslight-onboarding', PRIYA_COUPLE.coupleId);
    const emmaRun = journeyRunId('j-lenslight-onboarding', EMMA_COUPLE.coupleId);
    // Priya's seeded run had sent the welcome email; Emma's was in its 14-day wait.
    expect(keys.filter((key) => key.startsWith(priyaRun)).sort()).toEqual(
      [`${priyaRun}/final-details`, `${priyaRun}/questionnaire-reminder`, `${priyaRun}/send-questionnaire`].sort(),
    );
    expect(keys.filter((key) => key.startsWith(emmaRun)).sort()).toEqual(
      [`${emmaRun}/final-details`, `${emmaRun}/questionnaire-reminder`].sort(),
    );
    for (const runId of [priyaRun, emmaRun]) {
      expect(world.model.directory.records.get('journey_runs', runId)?.fields.status).toBe('completed');
    }
  });
});
