import { describe, expect, test } from 'vitest';
import {
  fieldIdOf,
  journeyRunId,
  notificationsForChange,
  SEED_JOURNEY,
  sharingId,
  type WeddingNotification,
} from '../src/index.ts';
import { ChangeLog, NOW_MS, seededModel } from './seeded-model.ts';

const EMMA_WEDDING = 'w-emma-james';
const LENSLIGHT_TEAM = ['u-bob', 'u-sarah', 'u-vera'];

function notify(
  by: string,
  c: string,
  id: string,
  fields: Record<string, unknown>,
  options: Parameters<ChangeLog['write']>[4] = {},
) {
  const model = seededModel();
  const log = new ChangeLog(model);
  return { model, log, out: run(model, log, by, c, id, fields, options) };
}

function run(
  model: ReturnType<typeof seededModel>,
  log: ChangeLog,
  by: string,
  c: string,
  id: string,
  fields: Record<string, unknown>,
  options: Parameters<ChangeLog['write']>[4] = {},
): WeddingNotification[] {
  const { applied } = log.write(by, c, id, fields, options);
  return notificationsForChange(model.directory, applied!);
}

const recipients = (list: WeddingNotification[]) => list.map((n) => n.userId).sort();

describe('R5.2 notification triggers', () => {
  test('R5.2 R3.4 a form submission notifies the whole owning team at once, importance important', () => {
    const { out } = notify('u-emma', 'form_assignments', 'a-emma-menu', { status: 'submitted', submittedAtMs: NOW_MS });
    expect(recipients(out)).toEqual(['u-olivia']);
    const [olivia] = out;
    expect(olivia).toMatchObject({
      trigger: 'form_submitted',
      importance: 'important',
      title: expect.stringMatching(/^Form submitted: /),
      body: expect.stringMatching(/^Emma \(Emma & James\) completed “/),
      link: '/supplier',
      createdAtMs: NOW_MS,
      contact: { email: 'olivia@feast.example', name: 'Olivia Hart' },
    });
    expect(olivia!.id).toBe(`form_submitted:${olivia!.causeSeq}:u-olivia`);
    // Saving the submitted assignment again is no new submission.
    const model = seededModel();
    const log = new ChangeLog(model);
    run(model, log, 'u-emma', 'form_assignments', 'a-emma-menu', { status: 'submitted' });
    expect(
      run(model, log, 'u-emma', 'form_assignments', 'a-emma-menu', { status: 'submitted', lastAnswerAtMs: 1 }),
    ).toEqual([]);
  });

  test('R5.2 R8.1 journey milestones: a new stage and completion are normal, a failure is important', () => {
    const run1 = journeyRunId(SEED_JOURNEY, 'c-emma-james');
    const model = seededModel();
    const log = new ChangeLog(model);
    const stage = run(model, log, 'system', 'journey_runs', run1, { stageIndex: 2 });
    expect(recipients(stage)).toEqual(LENSLIGHT_TEAM);
    expect(stage[0]).toMatchObject({ trigger: 'journey_milestone', importance: 'normal', title: 'Journey milestone' });
    expect(stage[0]!.body).toMatch(/for Emma & James moved to the stage “/);
    const failed = run(model, log, 'system', 'journey_runs', run1, { status: 'failed' });
    expect(failed[0]).toMatchObject({ title: 'Journey failed', importance: 'important' });
    expect(run(model, log, 'system', 'journey_runs', run1, { nextActionAtMs: 5 })).toEqual([]);
  });

  test('R5.2 a client message notifies the supplier team; the reply notifies both partners', () => {
    const model = seededModel();
    const log = new ChangeLog(model);
    const fields = { weddingId: EMMA_WEDDING, supplierId: 'feast', sentAtMs: NOW_MS };
    const inbound = run(model, log, 'u-james', 'messages', 'msg-t1', {
      ...fields,
      senderId: 'u-james',
      fromCouple: true,
      body: 'Can we add 2 vegan meals?',
    });
    expect(recipients(inbound)).toEqual(['u-olivia']);
    expect(inbound[0]).toMatchObject({
      trigger: 'client_message',
      importance: 'important',
      title: 'New message from James (Emma & James)',
      body: 'Can we add 2 vegan meals?',
    });
    const reply = run(model, log, 'u-olivia', 'messages', 'msg-t2', {
      ...fields,
      senderId: 'u-olivia',
      fromCouple: false,
      body: 'Yes, done.',
    });
    expect(recipients(reply)).toEqual(['u-emma', 'u-james']);
    expect(reply[0]).toMatchObject({
      title: 'New message from Feast Catering',
      link: '/couple',
      contact: { phone: '+447700900123' },
    });
  });

  test('R5.2 R10.1 a team mention in chat (@first name, @full name, or the mentions list) notifies only team members', () => {
    const { out } = notify('u-sarah', 'team_chat', 'chat-t1', {
      supplierId: 'lenslight',
      senderId: 'u-sarah',
      body: '@bob and @Vera Quinn: shot list please. cc @Olivia, @Sarah',
      sentAtMs: NOW_MS,
      mentions: [],
    });
    expect(recipients(out)).toEqual(['u-bob', 'u-vera']);
    expect(out[0]).toMatchObject({
      trigger: 'team_mention',
      importance: 'important',
      title: 'Sarah mentioned you',
      link: '/supplier/team',
    });
    const listed = notify('u-bob', 'team_chat', 'chat-t2', {
      supplierId: 'lenslight',
      senderId: 'u-bob',
      body: 'done',
      mentions: ['u-sarah', 'u-olivia'],
    });
    expect(recipients(listed.out)).toEqual(['u-sarah']);
  });

  test('R5.2 R10.1 a mention typed into a note notifies once, when it first appears in the body', () => {
    const model = seededModel();
    const log = new ChangeLog(model);
    const note = { weddingId: EMMA_WEDDING, supplierId: 'lenslight', title: 'Shot list' };
    const first = log.write('u-sarah', 'notes', 'note-t1', note).applied!;
    expect(
      notificationsForChange(model.directory, first, { noteTexts: { after: 'Ask @Bob about lenses' } }).map(
        (n) => n.userId,
      ),
    ).toEqual(['u-bob']);
    const edit = log.write('u-sarah', 'notes', 'note-t1', {}).applied!;
    const again = notificationsForChange(model.directory, edit, {
      noteTexts: { before: 'Ask @Bob about lenses', after: 'Ask @Bob about lenses and @Vera about drones' },
    });
    expect(recipients(again)).toEqual(['u-vera']);
    expect(again[0]!.body).toMatch(/^“Shot list” \(Emma & James\): Ask @Bob/);
  });

  test('R5.2 a payment received notifies the supplier team with the amount', () => {
    const { out } = notify('u-emma', 'payments', 'p-emma-feast-deposit', { status: 'paid', paidAtMs: NOW_MS });
    expect(recipients(out)).toEqual(['u-olivia']);
    expect(out[0]).toMatchObject({ trigger: 'payment_received', importance: 'important', title: 'Payment received' });
    expect(out[0]!.body).toMatch(/^£[\d,.]+ from Emma & James/);
  });

  test('R5.2 R9.1 a booked meeting notifies its attendees and the other side, never the booker', () => {
    const bySupplier = {
      weddingId: EMMA_WEDDING,
      supplierId: 'lenslight',
      title: 'Venue walkthrough',
      startAtMs: NOW_MS + 86_400_000,
      status: 'scheduled',
    };
    const attendeeOps = (ids: string[]) =>
      ids.map((id) => ({ k: 'add' as const, f: fieldIdOf('meetings', 'attendees'), id, v: { userId: id } }));
    const booked = notify('u-sarah', 'meetings', 'mt-t1', bySupplier, { extraOps: attendeeOps(['u-sarah', 'u-bob']) });
    expect(recipients(booked.out)).toEqual(['u-bob', 'u-emma', 'u-james']);
    expect(booked.out[0]).toMatchObject({
      trigger: 'meeting_booked',
      importance: 'normal',
      title: 'Meeting booked: Venue walkthrough',
    });
    expect(booked.out.find((n) => n.userId === 'u-emma')!.link).toBe('/couple');
    const byCouple = notify('u-emma', 'meetings', 'mt-t2', { ...bySupplier, supplierId: 'feast', title: 'Tasting' });
    expect(recipients(byCouple.out)).toEqual(['u-olivia']);
    const cancelled = notify(
      'u-sarah',
      'meetings',
      'mt-t3',
      { ...bySupplier, status: 'cancelled' },
      { extraOps: attendeeOps(['u-bob']) },
    );
    expect(cancelled.out).toEqual([]);
  });

  test('R5.2 R10.1 task completed and task assigned', () => {
    const model = seededModel();
    const log = new ChangeLog(model);
    const shared = run(model, log, 'u-olivia', 'tasks', 'task-emma-guestlist', {
      status: 'done',
      completedAtMs: NOW_MS,
    });
    expect(recipients(shared)).toEqual(['u-emma', 'u-james']);
    expect(shared[0]).toMatchObject({ trigger: 'task_completed', importance: 'normal', title: 'Task completed' });
    const teamTask = { supplierId: 'lenslight', title: 'Clean sensors', status: 'open', teamOnly: true };
    const assigned = run(model, log, 'u-sarah', 'tasks', 'task-t1', { ...teamTask, assigneeId: 'u-bob' });
    expect(assigned.map((n) => [n.userId, n.trigger])).toEqual([['u-bob', 'task_assigned']]);
    expect(assigned[0]!.body).toBe('Sarah assigned you “Clean sensors”');
    const done = run(model, log, 'u-bob', 'tasks', 'task-t1', { status: 'done' });
    expect(done.map((n) => [n.userId, n.trigger])).toEqual([['u-sarah', 'task_completed']]);
  });
});

describe('R3.2 R14.2 guest-count and timeline notifications', () => {
  test('R3.2 a guest-count change notifies the caterer and the venue teams, from → to', () => {
    const { out } = notify('u-james', 'weddings', EMMA_WEDDING, { guestCount: 170 });
    expect(recipients(out)).toEqual(['u-liam', 'u-olivia']);
    expect(out[0]).toMatchObject({
      trigger: 'guest_count_changed',
      importance: 'important',
      body: 'James updated the guest count for Emma & James from 150 to 170',
    });
  });

  test('R3.2 a timeline change notifies every vendor of the wedding', () => {
    const timeline = fieldIdOf('weddings', 'timeline');
    const { out } = notify(
      'u-emma',
      'weddings',
      EMMA_WEDDING,
      {},
      {
        extraOps: [{ k: 'add', f: timeline, id: 'tl-t1', v: { time: '23:00', title: 'Sparkler exit' } }],
      },
    );
    expect(recipients(out)).toEqual(['u-bob', 'u-liam', 'u-olivia', 'u-sarah', 'u-vera']);
    expect(out[0]).toMatchObject({
      trigger: 'timeline_changed',
      body: 'Emma added “Sparkler exit” to the timeline of Emma & James',
    });
  });

  test('R14.2 a supplier the guest count is not shared with is never told about it, not even with another field', () => {
    const model = seededModel();
    const log = new ChangeLog(model);
    log.write('u-emma', 'sharing', sharingId(EMMA_WEDDING, 'feast'), { guestCount: false });
    log.write('u-emma', 'sharing', sharingId(EMMA_WEDDING, 'lenslight'), { timeline: false });
    const timeline = fieldIdOf('weddings', 'timeline');
    const out = run(
      model,
      log,
      'u-james',
      'weddings',
      EMMA_WEDDING,
      { guestCount: 171 },
      {
        extraOps: [{ k: 'add', f: timeline, id: 'tl-t2', v: { time: '21:00', title: 'Cake' } }],
      },
    );
    const forOlivia = out.filter((n) => n.userId === 'u-olivia');
    expect(forOlivia.map((n) => n.trigger)).toEqual(['timeline_changed']);
    for (const n of forOlivia) expect(`${n.title} ${n.body}`).not.toMatch(/guest|171/i);
    expect(
      out
        .filter((n) => n.userId === 'u-liam')
        .map((n) => n.trigger)
        .sort(),
    ).toEqual(['guest_count_changed', 'timeline_changed']);
    expect(out.filter((n) => LENSLIGHT_TEAM.includes(n.userId))).toEqual([]);
  });

  test('R14.2 a disconnected supplier hears nothing about the wedding', () => {
    const model = seededModel();
    const log = new ChangeLog(model);
    log.write('u-emma', 'connections', `conn-${EMMA_WEDDING}-oakwood`, { status: 'ended' });
    expect(recipients(run(model, log, 'u-james', 'weddings', EMMA_WEDDING, { guestCount: 99 }))).toEqual(['u-olivia']);
  });
});
