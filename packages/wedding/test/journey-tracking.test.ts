import { createPgliteStorage, type SqlStorage } from '@wedsync/storage-postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EMAIL_OPEN_PATH, emailOpenToken, JourneyScheduler, journeyRunId, readEmailOpenToken } from '../src/index.ts';
import {
  createJourney,
  type JourneyWorld,
  logLines,
  openJourneyWorld,
  ScriptedMailer,
  startRun,
  storageWriter,
} from './journey-fixture.ts';
import { PRIYA_COUPLE } from './seeded-model.ts';

const SECRET = 'test-secret-test-secret-test-secret';
const JOURNEY = 'j-track';
const RUN = journeyRunId(JOURNEY, PRIYA_COUPLE.coupleId);

/** R8.1 "email opened" and "form completed" land in the run log once, whichever node sees them. */
describe('R8.1 email opened and form completed', () => {
  let storage: SqlStorage;
  let world: JourneyWorld;
  const mailer = new ScriptedMailer();
  const nodes: JourneyScheduler[] = [];

  beforeAll(async () => {
    storage = await createPgliteStorage();
    world = await openJourneyWorld(storage);
    for (const nodeId of ['node-a', 'node-b']) {
      nodes.push(
        new JourneyScheduler({
          sql: storage.sql,
          writer: storageWriter(storage, world.clock),
          directory: world.model.directory,
          mailer,
          nodeId,
          nowMs: world.clock.now,
          trackingPixelUrl: (runId, moduleId) =>
            `https://app.example${EMAIL_OPEN_PATH}/${emailOpenToken(SECRET, runId, moduleId)}.gif`,
        }),
      );
    }
    world.onApplied.push(async ({ applied }) => {
      for (const change of applied) for (const node of nodes) await node.noteApplied(change);
    });
    await createJourney(world, JOURNEY, [
      [
        'Welcome',
        [
          { id: 'hello', kind: 'send_email', label: 'Welcome email' },
          { id: 'ask', kind: 'send_form', label: 'Questionnaire', formId: 'f-lenslight-questionnaire' },
        ],
      ],
    ]);
    await startRun(world, RUN, JOURNEY, PRIYA_COUPLE);
    await nodes[0]!.drain();
    await world.settle();
  }, 120_000);
  afterAll(() => storage?.close());

  test('R8.1 each email carries a signed open-tracking pixel; forged or altered tokens are refused', () => {
    const hello = mailer.sent.find((email) => email.moduleId === 'hello')!;
    const token = /\/([^/]+)\.gif$/.exec(hello.trackingPixelUrl ?? '')?.[1] ?? '';
    expect(readEmailOpenToken(SECRET, token)).toEqual({ runId: RUN, moduleId: 'hello' });
    expect(readEmailOpenToken('another-secret-another-secret-xx', token)).toBeUndefined();
    const [body, signature] = token.split('.');
    const forgedBody = Buffer.from(`${RUN}\nask`).toString('base64url');
    expect(readEmailOpenToken(SECRET, `${forgedBody}.${signature}`)).toBeUndefined();
    expect(readEmailOpenToken(SECRET, `${body}`)).toBeUndefined();
    expect(readEmailOpenToken(SECRET, 'not a token')).toBeUndefined();
  });

  test('R8.1 an opened email is logged once, however often the pixel loads and on whichever node', async () => {
    expect(await nodes[0]!.emailOpened(RUN, 'hello')).toBe('recorded');
    expect(await nodes[1]!.emailOpened(RUN, 'hello')).toBe('already');
    await world.settle();
    expect(await nodes[1]!.emailOpened(RUN, 'hello')).toBe('already');
    expect(await nodes[0]!.emailOpened(RUN, 'no-such-module')).toBe('unknown');
    expect(await nodes[0]!.emailOpened('no-such-run', 'hello')).toBe('unknown');
    await world.settle();
    expect(logLines(world.model, RUN).filter((line) => line.endsWith('email_opened'))).toEqual(['hello:email_opened']);
  });

  test('R8.1 the couple submitting the journey form is logged as form completed, once', async () => {
    const completed = (
      world.model.directory.records.get('journey_runs', RUN)!.fields.log as {
        v: { moduleId: string; event: string; detail?: { assignmentId?: string } };
      }[]
    ).find((item) => item.v.moduleId === 'ask' && item.v.event === 'completed');
    expect(completed?.v.detail?.assignmentId).toBe('a-priya-questionnaire');
    await world.write('u-priya', 'form_assignments', 'a-priya-questionnaire', { status: 'submitted' });
    await world.settle();
    expect(logLines(world.model, RUN).filter((line) => line.endsWith('form_completed'))).toEqual([
      'ask:form_completed',
    ]);
    expect(world.model.directory.records.get('journey_runs', RUN)?.fields.status).toBe('completed');
  });
});
