import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutboxJob } from '@wedsync/notifications';
import { fieldIdOf, journeyRunId } from '@wedsync/wedding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAppConfig } from '../src/app-config.ts';
import { type AppServer, startAppServer } from '../src/app-server.ts';
import { connectDevice, type Device, login } from './notification-devices.ts';

interface Bell {
  id: string;
  trigger: string;
  importance: string;
  title: string;
  body: string;
  link: string;
}

const WEDDING_TOPIC = 'wedding:w-emma-james';
const PEOPLE = {
  sarah: 'sarah@lenslight.example',
  bob: 'bob@lenslight.example',
  vera: 'vera@lenslight.example',
  emma: 'emma@wedme.example',
  james: 'james@wedme.example',
  olivia: 'olivia@feast.example',
} as const;
type Person = keyof typeof PEOPLE;

/**
 * Issue 7 acceptance "tests for every trigger" (R5.2), for the three triggers the model tests alone
 * covered: journey milestone (R8.1), payment received and task completed go through the running app —
 * the cause is a client mutation over the SDK (payments, tasks) or a commit of the app's own journey
 * scheduler (journeys); the app's withinCommit hook writes the notifications with the cause, the
 * outbox worker puts them in each recipient's bell (`notifications` records on `user:{id}`) and the
 * HTTP API shows them. The author of a change is never told about it. Embedded PGlite, port 0.
 */
describe('R5.2 journey milestone, payment received and task completed through the app', () => {
  let dataDir: string;
  let server: AppServer;
  const devices: Device[] = [];
  const bells = new Map<Person, Device>();
  const sessions = new Map<Person, { token: string; userId: string }>();
  const session = async (person: Person) => {
    let found = sessions.get(person);
    if (!found) {
      found = await login(server.url, PEOPLE[person]);
      sessions.set(person, found);
    }
    return found;
  };
  const device = async (person: Person, topic: string) => {
    const opened = await connectDevice(server.url, await session(person), topic);
    devices.push(opened);
    return opened;
  };
  const api = async <T>(person: Person, path: string): Promise<T> => {
    const response = await fetch(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${(await session(person)).token}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };
  /** The person's bell over HTTP (`GET /api/notifications`). */
  const bellOverHttp = async (person: Person) =>
    (await api<{ notifications: Bell[] }>(person, '/api/notifications')).notifications;
  /** Outbox jobs of the person whose notification id starts with `prefix` (every channel). */
  const jobsOf = async (person: Person, prefix: string) =>
    (await api<{ jobs: OutboxJob[] }>(person, '/api/notifications/outbox')).jobs.filter((job) =>
      job.notificationId.startsWith(prefix),
    );
  /** Waits until the person's bell device holds a notification matching `match`; returns it. */
  const bellRecord = async (person: Person, match: (bell: Bell) => boolean, what: string): Promise<Bell> => {
    const bell = bells.get(person)!;
    const find = () =>
      bell.store
        .query('notifications')
        .map((record) => ({ id: record.id, ...record.fields }) as unknown as Bell)
        .find(match);
    await bell.until(() => find() !== undefined, `${what} in the bell of ${person}`);
    return find()!;
  };
  /** What a bell entry shows (the record on the user topic carries more fields than the HTTP entry). */
  const shown = ({ id, trigger, importance, title, body, link }: Bell): Bell => ({
    id,
    trigger,
    importance,
    title,
    body,
    link,
  });
  /** The cause's log seq, from a notification id `{trigger}:{seq}:{userId}`. */
  const causeOf = (bell: Bell) => bell.id.split(':')[1];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wedsync-notify-triggers-'));
    server = await startAppServer(
      loadAppConfig({
        DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        PUBLIC_URL: 'https://app.wedsync.example',
      }),
    );
    for (const person of Object.keys(PEOPLE) as Person[]) {
      const who = await session(person);
      bells.set(person, await device(person, `user:${who.userId}`));
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(devices.map((opened) => opened.close()));
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('R5.2 R8.1 journey milestones from the app’s journey scheduler: a new stage and completion reach the whole team, a failure is important', async () => {
    // Sarah defines two journeys and starts them for Emma & James from her SDK client; the app's own
    // JourneyScheduler (wireJourneys) runs them and commits each step as the automation actor
    // ("system"): the stage move, the completion and the failure are its writes, not the test's.
    const sarah = await device('sarah', 'supplier:lenslight');
    const emailModule = (id: string, label: string) => ({ id, kind: 'send_email', label });
    sarah.store.create('journeys', 'j-trig-onboarding', {
      supplierId: 'lenslight',
      name: 'Trigger onboarding',
      active: true,
      stages: [
        { id: 's1', v: { name: 'Welcome', modules: [emailModule('hello', 'Welcome email')] } },
        { id: 's2', v: { name: 'Planning call', modules: [emailModule('plan', 'Planning call invite')] } },
      ],
    });
    sarah.store.create('journeys', 'j-trig-broken', {
      supplierId: 'lenslight',
      name: 'Trigger broken',
      active: true,
      // Feast's form: LensLight may not send it, so the scheduler fails the run for good.
      stages: [
        {
          id: 's1',
          v: { name: 'Menu', modules: [{ id: 'menu', kind: 'send_form', label: 'Menu form', formId: 'f-feast-menu' }] },
        },
      ],
    });
    // A run may be started only once the node knows the journey's team (rights are checked against the
    // Directory); a change reaches another member's channel after this node's Directory applied it.
    const bob = await device('bob', 'supplier:lenslight:journeys');
    await bob.until(
      () => ['j-trig-onboarding', 'j-trig-broken'].every((id) => (bob.store.record('journeys', id)?.v ?? 0) > 0),
      'the journeys on Bob’s device',
    );
    // A run lives in the wedding's scope: it is written on the wedding topic.
    const sarahInWedding = await device('sarah', WEDDING_TOPIC);
    for (const journeyId of ['j-trig-onboarding', 'j-trig-broken']) {
      sarahInWedding.store.create('journey_runs', journeyRunId(journeyId, 'c-emma-james'), {
        journeyId,
        supplierId: 'lenslight',
        weddingId: 'w-emma-james',
        coupleId: 'c-emma-james',
        status: 'running',
        stageIndex: 0,
        startedAtMs: Date.now(),
        nextActionAtMs: null,
      });
    }

    const team = ['sarah', 'bob', 'vera'] as const;
    const ofOnboarding = (bell: Bell) =>
      bell.trigger === 'journey_milestone' && bell.body.startsWith('Trigger onboarding ');
    for (const person of team) {
      const stage = await bellRecord(
        person,
        (bell) => ofOnboarding(bell) && bell.title === 'Journey milestone',
        'the stage milestone',
      );
      expect(stage).toMatchObject({
        importance: 'normal',
        body: 'Trigger onboarding for Emma & James moved to the stage “Planning call”',
        link: '/supplier',
      });
      const completed = await bellRecord(
        person,
        (bell) => ofOnboarding(bell) && bell.title === 'Journey completed',
        'the completion',
      );
      expect(completed).toMatchObject({
        importance: 'normal',
        body: 'Trigger onboarding for Emma & James completed',
      });
      const failed = await bellRecord(
        person,
        (bell) => bell.trigger === 'journey_milestone' && bell.body.startsWith('Trigger broken '),
        'the failure',
      );
      expect(failed).toMatchObject({
        importance: 'important',
        title: 'Journey failed',
        body: 'Trigger broken for Emma & James failed — needs attention',
      });
      // The HTTP API shows the same bell; a failure (important) also goes out by email, a stage move does not.
      const overHttp = await bellOverHttp(person);
      for (const bell of [stage, completed, failed])
        expect(overHttp).toContainEqual(expect.objectContaining(shown(bell)));
      expect((await jobsOf(person, failed.id)).map((job) => job.channel).sort()).toEqual(['email', 'inapp']);
      expect((await jobsOf(person, stage.id)).map((job) => job.channel)).toEqual(['inapp']);
    }
    // The scheduler wrote these steps, as the automation actor: the run record on the server says so.
    const run = await server.storage.getRecord('journey_runs', journeyRunId('j-trig-onboarding', 'c-emma-james'));
    expect(run).toMatchObject({
      updatedBy: 'system',
      fields: { [fieldIdOf('journey_runs', 'status')]: 'completed', [fieldIdOf('journey_runs', 'stageIndex')]: 1 },
    });
    // Journey news is for the supplier's team; the couple is not told.
    for (const person of ['emma', 'james'] as const) {
      const milestones = (await bellOverHttp(person)).filter((bell) => bell.trigger === 'journey_milestone');
      expect(milestones).toEqual([]);
      expect(await jobsOf(person, 'journey_milestone:')).toEqual([]);
    }
  });

  it('R5.2 a payment received reaches the supplier’s whole team with the amount; the person who marked it paid is not told', async () => {
    const sarah = await device('sarah', WEDDING_TOPIC);
    const emma = await device('emma', WEDDING_TOPIC);
    const payment = (description: string, amountCents: number) => ({
      weddingId: 'w-emma-james',
      supplierId: 'lenslight',
      amountCents,
      currency: 'GBP',
      status: 'pending',
      description,
    });
    sarah.store.create('payments', 'p-trig-second', payment('Second instalment', 25_000));
    sarah.store.create('payments', 'p-trig-prints', payment('Album prints', 8_950));
    await emma.until(
      () => emma.store.record('payments', 'p-trig-prints') !== undefined,
      'the pending payments on Emma’s device',
    );
    // Creating pending payments notifies nobody.
    expect(await jobsOf('bob', 'payment_received:')).toEqual([]);

    // Emma pays the instalment in the app: the whole LensLight team hears of it.
    emma.store.set('payments', 'p-trig-second', 'status', 'paid');
    const byEmma = (bell: Bell) => bell.trigger === 'payment_received' && bell.body.includes('Second instalment');
    const received = await Promise.all(
      (['sarah', 'bob', 'vera'] as const).map((person) => bellRecord(person, byEmma, 'the payment')),
    );
    for (const bell of received) {
      expect(bell).toMatchObject({
        importance: 'important',
        title: 'Payment received',
        body: '£250.00 from Emma & James for “Second instalment”',
        link: '/supplier',
      });
    }
    const paidSeq = causeOf(received[0]!);
    expect(new Set(received.map(causeOf))).toEqual(new Set([paidSeq]));
    expect((await bellOverHttp('bob')).find(byEmma)).toMatchObject({ id: `payment_received:${paidSeq}:u-bob` });

    // Sarah records the prints as paid by bank transfer: Bob and Vera are told, Sarah is not.
    sarah.store.set('payments', 'p-trig-prints', 'status', 'paid');
    const bySarah = (bell: Bell) => bell.trigger === 'payment_received' && bell.body.includes('Album prints');
    for (const person of ['bob', 'vera'] as const) {
      expect(await bellRecord(person, bySarah, 'the prints payment')).toMatchObject({
        title: 'Payment received',
        body: '£89.50 from Emma & James for “Album prints”',
      });
    }
    const printsSeq = causeOf(await bellRecord('bob', bySarah, 'the prints payment'));
    // Notifications are committed with their cause, so the outbox already holds every recipient's jobs.
    expect(await jobsOf('sarah', `payment_received:${printsSeq}:`)).toEqual([]);
    expect((await bellOverHttp('sarah')).filter(bySarah)).toEqual([]);
    // The couple is no recipient of payment news.
    for (const person of ['emma', 'james'] as const) {
      expect(await jobsOf(person, 'payment_received:')).toEqual([]);
    }
  });

  it('R5.2 R10.1 a task completed tells the owning team and the couple, for a team-only task the managers — never the person who completed it', async () => {
    // A wedding task: James (its assignee) ticks it off on his device; Feast's team and Emma are told.
    const james = await device('james', WEDDING_TOPIC);
    await james.until(
      () => james.store.record('tasks', 'task-emma-guestlist') !== undefined,
      'the guest-list task on James’s device',
    );
    james.store.set('tasks', 'task-emma-guestlist', 'status', 'done');
    const guestList = (bell: Bell) => bell.trigger === 'task_completed' && bell.body.includes('final guest list');
    const forOlivia = await bellRecord('olivia', guestList, 'the completed task');
    expect(forOlivia).toMatchObject({
      importance: 'normal',
      title: 'Task completed',
      body: 'James completed “Send the final guest list”',
      link: '/supplier',
    });
    const forEmma = await bellRecord('emma', guestList, 'the completed task');
    expect(forEmma).toMatchObject({
      title: 'Task completed',
      body: 'James completed “Send the final guest list”',
      link: '/couple',
    });
    expect(causeOf(forEmma)).toBe(causeOf(forOlivia));
    expect((await bellOverHttp('olivia')).find(guestList)).toMatchObject({ id: forOlivia.id });
    expect(await jobsOf('james', `task_completed:${causeOf(forOlivia)}:`)).toEqual([]);
    // A supplier outside the task's supplier hears nothing of it.
    expect(await jobsOf('sarah', `task_completed:${causeOf(forOlivia)}:`)).toEqual([]);

    // A team-only task: Bob completes the one assigned to him; the team's managers (Sarah) are told,
    // Bob (the author) and Vera (a viewer, no manager) are not.
    const bob = await device('bob', 'supplier:lenslight:team');
    await bob.until(
      () => bob.store.record('tasks', 'task-lenslight-backup') !== undefined,
      'the backup task on Bob’s device',
    );
    bob.store.set('tasks', 'task-lenslight-backup', 'status', 'done');
    const backup = (bell: Bell) => bell.trigger === 'task_completed' && bell.body.includes('Harris wedding cards');
    const forSarah = await bellRecord('sarah', backup, 'the completed team task');
    expect(forSarah).toMatchObject({
      title: 'Task completed',
      body: 'Bob completed “Back up the Harris wedding cards”',
    });
    expect((await bellOverHttp('sarah')).find(backup)).toMatchObject({ id: forSarah.id });
    for (const person of ['bob', 'vera', 'emma'] as const) {
      expect(await jobsOf(person, `task_completed:${causeOf(forSarah)}:`)).toEqual([]);
    }
  });
});
