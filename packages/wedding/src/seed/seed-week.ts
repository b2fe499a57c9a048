import { answerId } from '../collections/form-collections.ts';
import { journeyRunId } from '../collections/journey-collections.ts';
import type { SeedBuilder } from './seed-builder.ts';
import { SEED_COUPLES } from './seed-people.ts';
import { DAY_MS, HOUR_MS, SEED_FORMS, SEED_JOURNEY } from './seed-setup.ts';

const MINUTE_MS = 60_000;

/**
 * A believable last week (issue 4 item 8), in time order: forms assigned, started, answered and one
 * submitted two minutes ago ("Emma just completed the timeline form"); a running journey; meetings;
 * tasks; messages (one unread); payments; notes; team chat; a guest-count change
 * ("James updated the guest count to 150"). Emma is filling the menu form right now.
 */
export function writeWeek(seed: SeedBuilder, nowMs: number): void {
  const ago = (ms: number) => nowMs - ms;
  const emma = SEED_COUPLES.emmaJames;
  const priya = SEED_COUPLES.priyaArjun;
  const w = (by: string, atMs: number, c: string, id: string, fields: Record<string, unknown>) =>
    seed.write({ by, atMs, c, id, fields });
  const assign = (by: string, atMs: number, id: string, formId: string, supplierId: string, weddingId: string) =>
    w(by, atMs, 'form_assignments', id, { formId, supplierId, weddingId, status: 'assigned', assignedAtMs: atMs });
  const answer = (
    by: string,
    atMs: number,
    assignmentId: string,
    weddingId: string,
    formFieldId: string,
    value: unknown,
  ) => {
    const long = typeof value === 'string' && value.length > 40;
    const fields = { assignmentId, weddingId, formFieldId, ...(long ? { longText: value } : { value }) };
    w(by, atMs, 'form_answers', answerId(assignmentId, formFieldId), fields);
    w(by, atMs, 'form_assignments', assignmentId, { lastAnswerAtMs: atMs });
  };
  const message = (
    by: string,
    atMs: number,
    id: string,
    weddingId: string,
    supplierId: string,
    fromCouple: boolean,
    body: string,
  ) =>
    w(by, atMs, 'messages', id, {
      weddingId,
      supplierId,
      senderId: by,
      fromCouple,
      body,
      sentAtMs: atMs,
      readAtMs: null,
    });

  const runEmma = journeyRunId(SEED_JOURNEY, emma.id);
  const runPriya = journeyRunId(SEED_JOURNEY, priya.id);
  let t = ago(7 * DAY_MS);
  assign('u-sarah', t, 'a-emma-questionnaire', SEED_FORMS.questionnaire, 'lenslight', emma.weddingId);
  w('u-sarah', t, 'journey_runs', runEmma, {
    journeyId: SEED_JOURNEY,
    supplierId: 'lenslight',
    weddingId: emma.weddingId,
    coupleId: emma.id,
    status: 'running',
    stageIndex: 0,
    startedAtMs: t,
    nextActionAtMs: t + HOUR_MS,
    log: [
      { id: 'e1', v: { moduleId: 'welcome-email', event: 'completed', atMs: t } },
      { id: 'e2', v: { moduleId: 'send-questionnaire', event: 'completed', atMs: t } },
    ],
  });
  w('u-sarah', t, 'payments', 'p-emma-lenslight-deposit', {
    weddingId: emma.weddingId,
    supplierId: 'lenslight',
    amountCents: 50_000,
    currency: 'GBP',
    status: 'pending',
    description: 'Booking deposit',
  });
  t = ago(6 * DAY_MS);
  w('u-emma', t, 'payments', 'p-emma-lenslight-deposit', { status: 'paid', paidAtMs: t });
  assign('u-liam', t + HOUR_MS, 'a-emma-timeline', SEED_FORMS.timeline, 'oakwood', emma.weddingId);
  assign('u-olivia', t + 2 * HOUR_MS, 'a-emma-menu', SEED_FORMS.menu, 'feast', emma.weddingId);
  w('u-olivia', t + 2 * HOUR_MS, 'payments', 'p-emma-feast-deposit', {
    weddingId: emma.weddingId,
    supplierId: 'feast',
    amountCents: 120_000,
    currency: 'GBP',
    status: 'pending',
    description: 'Catering deposit',
    dueDate: '2026-01-31',
  });
  assign('u-noah', t + 3 * HOUR_MS, 'a-priya-flowers', SEED_FORMS.flowers, 'bloom', priya.weddingId);
  assign('u-sarah', t + 4 * HOUR_MS, 'a-priya-questionnaire', SEED_FORMS.questionnaire, 'lenslight', priya.weddingId);
  w('u-sarah', t + 4 * HOUR_MS, 'journey_runs', runPriya, {
    journeyId: SEED_JOURNEY,
    supplierId: 'lenslight',
    weddingId: priya.weddingId,
    coupleId: priya.id,
    status: 'running',
    stageIndex: 0,
    startedAtMs: t + 4 * HOUR_MS,
    nextActionAtMs: nowMs + 2 * DAY_MS,
    log: [{ id: 'e1', v: { moduleId: 'welcome-email', event: 'completed', atMs: t + 4 * HOUR_MS } }],
  });
  t = ago(5 * DAY_MS);
  message(
    'u-emma',
    t,
    'msg-emma-lenslight-1',
    emma.weddingId,
    'lenslight',
    true,
    'Hi Sarah! Could we add a sunset shoot after the speeches?',
  );
  message(
    'u-sarah',
    t + 2 * HOUR_MS,
    'msg-emma-lenslight-2',
    emma.weddingId,
    'lenslight',
    false,
    'Absolutely — golden hour is around 19:40 that day. I have pencilled it in.',
  );
  w('u-sarah', t + 2 * HOUR_MS, 'messages', 'msg-emma-lenslight-1', { readAtMs: t + 2 * HOUR_MS });
  w('u-sarah', t + 3 * HOUR_MS, 'meetings', 'mt-emma-engagement', {
    weddingId: emma.weddingId,
    supplierId: 'lenslight',
    title: 'Engagement shoot',
    location: 'Richmond Park',
    startAtMs: nowMs + 10 * DAY_MS,
    endAtMs: nowMs + 10 * DAY_MS + 2 * HOUR_MS,
    status: 'scheduled',
    attendees: [
      { id: 'u-sarah', v: { userId: 'u-sarah' } },
      { id: 'u-emma', v: { userId: 'u-emma' } },
      { id: 'u-james', v: { userId: 'u-james' } },
    ],
  });
  t = ago(4 * DAY_MS);
  w('u-emma', t, 'form_assignments', 'a-emma-questionnaire', { status: 'in_progress', startedAtMs: t });
  answer(
    'u-emma',
    t + MINUTE_MS,
    'a-emma-questionnaire',
    emma.weddingId,
    'q3',
    'Getting ready with my sisters, the first look by the lake, confetti exit and a sunset portrait.',
  );
  w('u-emma', t + 2 * HOUR_MS, 'weddings', emma.weddingId, {
    timeline: [{ id: 'tl-5', v: { time: '18:30', title: 'Speeches' } }],
  });
  t = ago(3 * DAY_MS);
  w('system', t, 'journey_runs', runEmma, {
    stageIndex: 1,
    nextActionAtMs: nowMs + 3 * DAY_MS,
    log: [{ id: 'e3', v: { moduleId: 'wait-14', event: 'started', atMs: t } }],
  });
  w('u-priya', t + HOUR_MS, 'form_assignments', 'a-priya-flowers', { status: 'in_progress', startedAtMs: t + HOUR_MS });
  answer('u-priya', t + HOUR_MS + MINUTE_MS, 'a-priya-flowers', priya.weddingId, 'b1', 'Blush, ivory and sage');
  message(
    'u-priya',
    t + 2 * HOUR_MS,
    'msg-priya-bloom-1',
    priya.weddingId,
    'bloom',
    true,
    'Could we see some peony options for the bouquet?',
  );
  message(
    'u-noah',
    t + 3 * HOUR_MS,
    'msg-priya-bloom-2',
    priya.weddingId,
    'bloom',
    false,
    'Of course, I will bring samples to our consultation.',
  );
  w('u-noah', t + 3 * HOUR_MS, 'messages', 'msg-priya-bloom-1', { readAtMs: t + 3 * HOUR_MS });
  w('u-noah', t + 3 * HOUR_MS, 'meetings', 'mt-priya-consult', {
    weddingId: priya.weddingId,
    supplierId: 'bloom',
    title: 'Floral consultation',
    location: 'Bloom studio',
    startAtMs: nowMs + 3 * DAY_MS,
    endAtMs: nowMs + 3 * DAY_MS + HOUR_MS,
    status: 'scheduled',
    attendees: [
      { id: 'u-noah', v: { userId: 'u-noah' } },
      { id: 'u-priya', v: { userId: 'u-priya' } },
    ],
  });
  t = ago(2 * DAY_MS);
  w('u-james', t, 'weddings', emma.weddingId, { guestCount: 150 });
  w('u-arjun', t + HOUR_MS, 'weddings', priya.weddingId, { guestCount: 200 });
  w('u-olivia', t + 2 * HOUR_MS, 'meetings', 'mt-emma-tasting', {
    weddingId: emma.weddingId,
    supplierId: 'feast',
    title: 'Menu tasting',
    location: 'Feast kitchen',
    startAtMs: nowMs + 5 * DAY_MS,
    endAtMs: nowMs + 5 * DAY_MS + 2 * HOUR_MS,
    status: 'scheduled',
    attendees: [
      { id: 'u-olivia', v: { userId: 'u-olivia' } },
      { id: 'u-emma', v: { userId: 'u-emma' } },
      { id: 'u-james', v: { userId: 'u-james' } },
    ],
  });
  w('u-sarah', t + 3 * HOUR_MS, 'team_chat', 'chat-lenslight-1', {
    supplierId: 'lenslight',
    senderId: 'u-sarah',
    body: '@Bob can you prep the shot list for Emma & James?',
    sentAtMs: t + 3 * HOUR_MS,
    mentions: ['u-bob'],
  });
  w('u-bob', t + 4 * HOUR_MS, 'team_chat', 'chat-lenslight-2', {
    supplierId: 'lenslight',
    senderId: 'u-bob',
    body: 'On it — draft by Friday.',
    sentAtMs: t + 4 * HOUR_MS,
    mentions: [],
  });
  t = ago(DAY_MS);
  message(
    'u-james',
    t,
    'msg-emma-feast-1',
    emma.weddingId,
    'feast',
    true,
    'Hi Olivia, do you have vegan options for about 12 guests?',
  );
  w('u-emma', t + HOUR_MS, 'tasks', 'task-emma-cake', {
    weddingId: emma.weddingId,
    supplierId: null,
    title: 'Book the cake tasting',
    status: 'open',
    assigneeId: 'u-emma',
    dueDate: null,
  });
  w('u-olivia', t + 2 * HOUR_MS, 'tasks', 'task-emma-guestlist', {
    weddingId: emma.weddingId,
    supplierId: 'feast',
    title: 'Send the final guest list',
    status: 'open',
    assigneeId: 'u-james',
  });
  w('u-sarah', t + 2 * HOUR_MS, 'tasks', 'task-lenslight-backup', {
    supplierId: 'lenslight',
    title: 'Back up the Harris wedding cards',
    status: 'open',
    assigneeId: 'u-bob',
    teamOnly: true,
  });
  w('u-arjun', t + 3 * HOUR_MS, 'tasks', 'task-priya-budget', {
    weddingId: priya.weddingId,
    supplierId: null,
    title: 'Agree the flower budget',
    status: 'open',
    assigneeId: 'u-arjun',
  });
  w('u-priya', t + 3 * HOUR_MS, 'payments', 'p-priya-bloom-deposit', {
    weddingId: priya.weddingId,
    supplierId: 'bloom',
    amountCents: 30_000,
    currency: 'GBP',
    status: 'paid',
    paidAtMs: t + 3 * HOUR_MS,
    description: 'Deposit',
  });
  w('u-sarah', ago(3 * HOUR_MS), 'notes', 'note-emma-shotlist', {
    weddingId: emma.weddingId,
    supplierId: 'lenslight',
    title: 'Shot list ideas',
    body: 'Lake first look; sisters getting ready; confetti exit; sunset portrait at 19:40.',
  });
  w('u-bob', ago(3 * HOUR_MS), 'notes', 'note-lenslight-kit', {
    supplierId: 'lenslight',
    weddingId: emma.weddingId,
    teamOnly: true,
    title: 'Kit for Oakwood',
    body: 'Bring the 85mm and two flashes; the hall is dark.',
  });
  w('u-emma', ago(2 * HOUR_MS), 'form_assignments', 'a-emma-timeline', {
    status: 'in_progress',
    startedAtMs: ago(2 * HOUR_MS),
  });
  answer('u-emma', ago(2 * HOUR_MS) + MINUTE_MS, 'a-emma-timeline', emma.weddingId, 't1', '14:00');
  answer('u-emma', ago(2 * HOUR_MS) + 2 * MINUTE_MS, 'a-emma-timeline', emma.weddingId, 't2', '17:30');
  answer('u-emma', ago(30 * MINUTE_MS), 'a-emma-questionnaire', emma.weddingId, 'q5', 150);
  w('u-emma', ago(6 * MINUTE_MS), 'form_assignments', 'a-emma-menu', {
    status: 'in_progress',
    startedAtMs: ago(6 * MINUTE_MS),
  });
  answer('u-emma', ago(5 * MINUTE_MS), 'a-emma-menu', emma.weddingId, 'm1', 150);
  answer('u-emma', ago(4 * MINUTE_MS), 'a-emma-menu', emma.weddingId, 'm2', 'Seasonal');
  w('u-emma', ago(2 * MINUTE_MS), 'form_assignments', 'a-emma-timeline', {
    status: 'submitted',
    submittedAtMs: ago(2 * MINUTE_MS),
  });
}
