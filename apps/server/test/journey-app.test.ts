import type { ChangesPayload } from '@wedsync/protocol';
import { EMAIL_OPEN_PATH, emailOpenToken, fieldIdOf } from '@wedsync/wedding';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ReceivedFrame, SyncTestClient } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { TEST_JWT_SECRET } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { type ApiWorld, startApiWorld } from './api-fixture.ts';

const JOURNEY = 'j-app-welcome';
const RUN = `${JOURNEY}.c-emma-james`;
const TOPIC = `journey:${JOURNEY}:c-emma-james`;
const LOG = fieldIdOf('journey_runs', 'log');

/** `moduleId:event` of every run-log event a client received on a topic, in order. */
function logEvents(client: SyncTestClient, topic: string): string[] {
  return client
    .changes(topic)
    .filter((change) => change.c === 'journey_runs' && change.id === RUN)
    .flatMap((change) => change.ops)
    .filter((op) => op.k === 'add' && op.f === LOG)
    .map((op) => {
      const v = (op as { v: { moduleId: string; event: string } }).v;
      return `${v.moduleId}:${v.event}`;
    });
}

const hasEvent = (topic: string, event: string) => (frame: ReceivedFrame) =>
  frame.topic === topic &&
  frame.event === 'sync_changes' &&
  JSON.stringify((frame.payload as ChangesPayload).changes).includes(`"event":"${event}"`);

/**
 * R8.1 in the running app: a run started by the team is executed by the node's scheduler; every step
 * reaches the journey channel live (module started/completed/failed, stage, next action time); a
 * failed action stays in the run with its error; the email-open pixel logs "email opened".
 */
describe('R8.1 journeys live in the app', () => {
  let world: ApiWorld;
  let sarah: SyncTestClient;
  let emma: SyncTestClient;

  beforeAll(async () => {
    world = await startApiWorld();
    await world.write(
      'u-sarah',
      'supplier:lenslight',
      'journeys',
      JOURNEY,
      { supplierId: 'lenslight', name: 'Welcome', active: true },
      [
        {
          k: 'add',
          f: fieldIdOf('journeys', 'stages'),
          id: 's1',
          v: { name: 'Welcome', modules: [{ id: 'hello', kind: 'send_email', label: 'Welcome email' }] },
        },
        {
          k: 'add',
          f: fieldIdOf('journeys', 'stages'),
          id: 's2',
          // Feast's form: LensLight may not send it, so this action fails for good.
          v: { name: 'Menu', modules: [{ id: 'menu', kind: 'send_form', label: 'Menu form', formId: 'f-feast-menu' }] },
        },
      ],
    );
    sarah = await world.connect('u-sarah');
    await sarah.join(TOPIC);
  }, 120_000);
  afterAll(() => world?.close());

  test('R8.1 module started/completed, stage progression and the failed action reach the channel live', async () => {
    await world.write('u-sarah', 'wedding:w-emma-james', 'journey_runs', RUN, {
      journeyId: JOURNEY,
      supplierId: 'lenslight',
      weddingId: 'w-emma-james',
      coupleId: 'c-emma-james',
      status: 'running',
      stageIndex: 0,
      startedAtMs: Date.now(),
      nextActionAtMs: null,
    });
    await sarah.waitFor(hasEvent(TOPIC, 'failed'), 20_000);
    expect(logEvents(sarah, TOPIC)).toEqual(['hello:started', 'hello:completed', 'menu:started', 'menu:failed']);
    const changes = sarah.changes(TOPIC).filter((c) => c.id === RUN);
    const sets = changes.flatMap((c) => c.ops).filter((op) => op.k === 'set') as { f: number; v: unknown }[];
    expect(sets).toContainEqual({ k: 'set', f: fieldIdOf('journey_runs', 'stageIndex'), v: 1 });
    expect(sets.at(-1)).toEqual({ k: 'set', f: fieldIdOf('journey_runs', 'nextActionAtMs'), v: null });
    expect(sets).toContainEqual({ k: 'set', f: fieldIdOf('journey_runs', 'status'), v: 'failed' });

    // The couple sees the run and the failure through the API (and its channel).
    const runs = (await world.as('u-emma').get('/api/weddings/w-emma-james/journeys')).body.records;
    const run = runs.find((r: { id: string }) => r.id === RUN);
    expect(run.fields.status).toBe('failed');
    const failed = run.fields.log.find((item: { v: { event: string } }) => item.v.event === 'failed');
    expect(failed.v.error).toMatch(/f-feast-menu is not one of LensLight/);
    const work = await world.server.journeys.scheduler.store.get('journey_run', RUN);
    expect(work).toMatchObject({ status: 'failed' });
  });

  test('R8.1 the email-open pixel logs "email opened" once, live; a forged token is refused', async () => {
    emma = await world.connect('u-emma');
    await emma.join(TOPIC);
    const token = emailOpenToken(TEST_JWT_SECRET, RUN, 'hello');
    const pixel = await fetch(`${world.server.url}${EMAIL_OPEN_PATH}/${token}.gif`);
    expect(pixel.status).toBe(200);
    expect(pixel.headers.get('content-type')).toBe('image/gif');
    expect((await pixel.arrayBuffer()).byteLength).toBeGreaterThan(0);
    await sarah.waitFor(hasEvent(TOPIC, 'email_opened'));
    await emma.waitFor(hasEvent(TOPIC, 'email_opened'));
    expect((await fetch(`${world.server.url}${EMAIL_OPEN_PATH}/${token}.gif`)).status).toBe(200);
    const forged = emailOpenToken('some-other-secret-some-other-secret', RUN, 'hello');
    expect((await fetch(`${world.server.url}${EMAIL_OPEN_PATH}/${forged}.gif`)).status).toBe(404);
    await world.server.journeys.settled();
    const log = (await world.as('u-sarah').get('/api/suppliers/lenslight/journeys')).body.records.find(
      (r: { id: string }) => r.id === RUN,
    ).fields.log as { v: { event: string } }[];
    expect(log.filter((item) => item.v.event === 'email_opened')).toHaveLength(1);
  });
});
