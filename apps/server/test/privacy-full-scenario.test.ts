import { CALENDAR_CONFLICT_EVENT, type CalendarConflictPayload, type FieldOp, type Mutation } from '@wedsync/protocol';
import { fieldIdOf } from '@wedsync/wedding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ReceivedFrame,
  type SyncTestClient,
  signTestToken,
} from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { AppCluster, allFrames } from './wiring-fixture.ts';

const EMMA_WEDDING = 'wedding:w-emma-james';
const PRIYA_WEDDING = 'wedding:w-priya-arjun';
const HOUR_MS = 3_600_000;

/** Values written about Emma's wedding during the run; none occurs in the seed, so a hit is a leak. */
const SECRET = {
  guestCount: 86_421,
  venue: 'Zephyrine Orangery',
  timelineItem: 'Quetzal first dance',
  contactEmail: 'emma.quokka@wedme.example',
  message: 'Marmoset portraits at dusk',
  answer: 'Tamarillo tasting menu',
  meetingTitle: 'Narwhal portrait session',
  noteTitle: 'Okapi lighting plan',
  noteBody: 'Pangolin reflector by the lake',
  taskTitle: 'Axolotl shot list',
  broadcast: 'Wombat typing',
  paymentCents: 7_654_321,
} as const;

/** What identifies Emma and James's wedding (case-insensitive), plus every secret value above. */
const NEEDLES = [
  /emma/i,
  /james/i,
  /w-emma/i,
  /Oakwood Hall/i,
  ...Object.values(SECRET).map((value) => new RegExp(String(value), 'i')),
];

const presenceJoin = (key: string) => ({ config: { presence: { key, enabled: true } } });
const track = { type: 'presence', event: 'track', payload: { status: 'active' } };
const add = (c: string, name: string, id: string, v: unknown): FieldOp => ({ k: 'add', f: fieldIdOf(c, name), id, v });

/**
 * Issue 4 acceptance, R2.2 + R14.2 through the whole app: `noah@bloom.example` (Bloom Florals,
 * connected to Priya & Arjun only) sits on every topic he may join — on another node than everyone
 * else, so each frame crossed the bus — while the couple and three suppliers work on Emma and James's
 * wedding: core fields, timeline, contact, a message, a form answer and submission, a note, a task,
 * a payment, presence, a broadcast, a lock and a meeting that double-books Noah himself. Every frame
 * Noah received and every API body he can read is scanned for Emma's data; a supplier who may see it
 * received it (the scan is not vacuous), and Noah's own world kept flowing (he was listening).
 */
describe('R2.2 R14.2 full scenario: Noah never receives a byte about Emma’s wedding', () => {
  let cluster: AppCluster;
  beforeAll(async () => {
    cluster = await AppCluster.start(2);
  }, 180_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('R2.2 R14.2 every frame Noah received and every API body he reads is free of Emma’s data', async () => {
    const noahNode = cluster.nodes[1]!;
    const noah = await cluster.connect('u-noah', 1);
    const noahTopics = noahNode.model.topicsForUser('u-noah').map((grant) => grant.topic);
    expect(noahTopics).toContain(PRIYA_WEDDING);
    for (const topic of noahTopics) {
      const reply = await noah.request(topic, 'phx_join', presenceJoin('u-noah'));
      expect(reply.status, topic).toBe('ok');
    }
    await noah.join('user:u-noah');
    expect((await noah.request(PRIYA_WEDDING, 'presence', track)).status).toBe('ok');
    // Every topic of Emma's wedding is refused to him (on a second socket: a refusal echoes the topic he named).
    const probe = await cluster.connect('u-noah', 1);
    const emmaTopics = [
      EMMA_WEDDING,
      'couple:c-emma-james',
      'couple:c-emma-james:timeline',
      'form:f-feast-menu',
      'form:f-oakwood-timeline',
      'journey:j-lenslight-onboarding:c-emma-james',
    ];
    for (const topic of emmaTopics) {
      const refused = await probe.request<{ reason: string }>(topic, 'phx_join', {});
      expect(refused.status, topic).toBe('error');
      expect(refused.response.reason, topic).toMatch(/^FORBIDDEN/);
    }
    expect(probe.frames.every((frame) => frame.event === 'phx_reply')).toBe(true);

    const emma = await cluster.connect('u-emma');
    const james = await cluster.connect('u-james');
    const sarah = await cluster.connect('u-sarah');
    const bob = await cluster.connect('u-bob');
    const olivia = await cluster.connect('u-olivia');
    const priya = await cluster.connect('u-priya');
    for (const [client, userId] of [
      [emma, 'u-emma'],
      [james, 'u-james'],
      [sarah, 'u-sarah'],
      [bob, 'u-bob'],
      [olivia, 'u-olivia'],
    ] as const) {
      expect((await client.request(EMMA_WEDDING, 'phx_join', presenceJoin(userId))).status).toBe('ok');
      expect((await client.request(EMMA_WEDDING, 'presence', track)).status).toBe('ok');
    }
    for (const topic of ['supplier:lenslight', 'supplier:lenslight:clients']) await sarah.join(topic);
    await olivia.join('supplier:feast');
    await priya.join(PRIYA_WEDDING);

    // Noah's own meeting on Priya's wedding, then a LensLight meeting of Emma's that double-books him.
    const slotMs = Date.now() + 30 * 24 * HOUR_MS;
    const meeting = (wedding: string, supplierId: string, title: string, attendees: string[]) => [
      ...cluster.ops('meetings', {
        weddingId: wedding,
        supplierId,
        title,
        startAtMs: slotMs,
        endAtMs: slotMs + HOUR_MS,
        status: 'scheduled',
      }),
      ...attendees.map((userId) => add('meetings', 'attendees', userId, { userId })),
    ];
    const bloomMeeting = await noah.mutate(PRIYA_WEDDING, 'noah-tab', [
      {
        mid: 1,
        c: 'meetings',
        id: 'mt-bloom-scan',
        base: 0,
        ops: meeting('w-priya-arjun', 'bloom', 'Bouquet', ['u-noah', 'u-priya']),
      },
    ]);
    expect(bloomMeeting.response.results[0]).toMatchObject({ status: 'applied' });

    const wrote = async (client: SyncTestClient, topic: string, mutation: Omit<Mutation, 'mid'>) => {
      const reply = await client.mutate(topic, `scan-${topic}`, [{ ...mutation, mid: ++mids }]);
      expect(reply.response.results[0], `${mutation.c}/${mutation.id}`).toMatchObject({ status: 'applied' });
      return (reply.response.results[0] as { seq: number }).seq;
    };
    let mids = 0;
    const base = (c: string, id: string) => cluster.versionOf(c, id);

    await wrote(emma, EMMA_WEDDING, {
      c: 'weddings',
      id: 'w-emma-james',
      base: await base('weddings', 'w-emma-james'),
      ops: [
        ...cluster.ops('weddings', {
          guestCount: SECRET.guestCount,
          venue: SECRET.venue,
          contact: { email: SECRET.contactEmail, phone: '+44 7700 900555' },
        }),
        add('weddings', 'timeline', 'tl-scan', { time: '19:30', title: SECRET.timelineItem }),
      ],
    });
    await wrote(james, EMMA_WEDDING, {
      c: 'messages',
      id: 'msg-scan-1',
      base: 0,
      ops: cluster.ops('messages', {
        weddingId: 'w-emma-james',
        supplierId: 'lenslight',
        senderId: 'u-james',
        fromCouple: true,
        body: SECRET.message,
        sentAtMs: Date.now(),
      }),
    });
    await wrote(emma, EMMA_WEDDING, {
      c: 'form_answers',
      id: 'a-emma-menu.m2',
      base: await base('form_answers', 'a-emma-menu.m2'),
      ops: cluster.ops('form_answers', { value: SECRET.answer }),
    });
    await wrote(emma, EMMA_WEDDING, {
      c: 'form_assignments',
      id: 'a-emma-menu',
      base: await base('form_assignments', 'a-emma-menu'),
      ops: cluster.ops('form_assignments', { status: 'submitted', submittedAtMs: Date.now() }),
    });
    await wrote(bob, EMMA_WEDDING, {
      c: 'notes',
      id: 'note-scan-lighting',
      base: 0,
      ops: [
        ...cluster.ops('notes', { weddingId: 'w-emma-james', supplierId: 'lenslight', title: SECRET.noteTitle }),
        { k: 'text', f: fieldIdOf('notes', 'body'), op: [SECRET.noteBody] },
      ],
    });
    await wrote(sarah, EMMA_WEDDING, {
      c: 'tasks',
      id: 'task-scan-shots',
      base: 0,
      ops: cluster.ops('tasks', {
        weddingId: 'w-emma-james',
        supplierId: 'lenslight',
        title: SECRET.taskTitle,
        status: 'open',
        assigneeId: 'u-emma',
      }),
    });
    await wrote(sarah, EMMA_WEDDING, {
      c: 'payments',
      id: 'pay-scan-balance',
      base: 0,
      ops: cluster.ops('payments', {
        weddingId: 'w-emma-james',
        supplierId: 'lenslight',
        amountCents: SECRET.paymentCents,
        currency: 'GBP',
        status: 'paid',
        paidAtMs: Date.now(),
      }),
    });
    const lock = await bob.request(EMMA_WEDDING, 'lock', {
      action: 'acquire',
      c: 'notes',
      id: 'note-scan-lighting',
      f: fieldIdOf('notes', 'title'),
    });
    expect(lock.status).toBe('ok');
    emma.send(EMMA_WEDDING, 'broadcast', { type: 'broadcast', event: 'typing', payload: { text: SECRET.broadcast } });
    await wrote(sarah, EMMA_WEDDING, {
      c: 'meetings',
      id: 'mt-scan-portraits',
      base: 0,
      ops: meeting('w-emma-james', 'lenslight', SECRET.meetingTitle, ['u-sarah', 'u-emma', 'u-noah']),
    });

    // Everything about Emma's wedding was sent out: the couple's partner and LensLight received it.
    await james.waitFor((f) => f.event === 'broadcast' && JSON.stringify(f.payload).includes(SECRET.broadcast));
    await sarah.waitFor((f) => f.event === CALENDAR_CONFLICT_EVENT && JSON.stringify(f.payload).includes('mt-scan'));
    await olivia.waitFor((f) => f.event === 'activity_added' && /submitted|completed/i.test(JSON.stringify(f.payload)));
    for (const value of [SECRET.venue, SECRET.message, SECRET.noteTitle, SECRET.taskTitle, SECRET.meetingTitle]) {
      await sarah.waitFor((f) => JSON.stringify(f.payload).includes(value));
    }
    // Noah is double-booked: the warning reaches him for his own meeting, without the other's details.
    const warned = await noah.waitFor(
      (f) =>
        f.event === CALENDAR_CONFLICT_EVENT &&
        (f.payload as CalendarConflictPayload).meetingId === 'mt-bloom-scan' &&
        (f.payload as CalendarConflictPayload).conflicts.length > 0,
      20_000,
    );
    expect((warned.payload as CalendarConflictPayload).conflicts[0]).toMatchObject({ userId: 'u-noah' });
    // Later news of Priya's wedding reaches Noah: all he was sent before it has arrived.
    const last = await wrote(priya, PRIYA_WEDDING, {
      c: 'weddings',
      id: 'w-priya-arjun',
      base: await base('weddings', 'w-priya-arjun'),
      ops: cluster.ops('weddings', { venue: 'Kew Glasshouse' }),
    });
    await noah.waitForSeq(PRIYA_WEDDING, last, 20_000);
    await noah.waitFor((f) => f.event === 'activity_added' && JSON.stringify(f.payload).includes('Kew Glasshouse'));
    expect((await noah.request('phoenix', 'heartbeat', {})).status).toBe('ok');

    // What Noah can read over HTTP after the run, on the node he is connected to.
    const token = await signTestToken('u-noah');
    const bodies: string[] = [];
    const read = async (path: string) => {
      const response = await fetch(`${noahNode.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      bodies.push(`${path} ${response.status} ${await response.text()}`);
      return response.status;
    };
    for (const path of [
      '/api/me',
      '/api/notifications',
      '/api/suppliers/bloom/clients',
      '/api/suppliers/bloom/client-statuses',
      '/api/suppliers/bloom/metrics',
      '/api/suppliers/bloom/activity',
      '/api/weddings/w-priya-arjun',
      '/api/weddings/w-priya-arjun/meetings',
      '/api/records/meetings/mt-bloom-scan/history',
      // R14.1 R16.2: Bloom's audit trail and sync figures (Noah owns Bloom) carry nothing of Emma's wedding.
      '/api/audit/tenants',
      '/api/audit?tenant=supplier:bloom&limit=1000',
      '/api/analytics?tenant=supplier:bloom',
      '/api/analytics?tenant=%2A',
    ]) {
      expect(await read(path), path).toBe(200);
    }
    for (const topic of noahTopics) expect(await read(`/api/records?topic=${encodeURIComponent(topic)}`)).toBe(200);
    // Search answers echo the query, so only their hits are scanned (and must be empty).
    for (const value of Object.values(SECRET)) {
      const response = await fetch(`${noahNode.url}/api/search?q=${encodeURIComponent(String(value))}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const { hits } = (await response.json()) as { hits: unknown[] };
      expect(hits, String(value)).toEqual([]);
    }

    // Noah was really listening: snapshots, presence and changes on his topics.
    const frames = noah.frames as ReceivedFrame[];
    const onTopics = new Set(frames.map((frame) => frame.topic));
    for (const topic of [PRIYA_WEDDING, 'supplier:bloom', 'supplier:bloom:clients']) expect(onTopics).toContain(topic);
    expect(frames.some((frame) => frame.event === 'presence_state')).toBe(true);
    expect(frames.length).toBeGreaterThan(20);

    const received = `${allFrames(noah)}\n${bodies.join('\n')}`;
    const sarahReceived = allFrames(sarah);
    const leaks = NEEDLES.flatMap((needle) => {
      const at = received.search(needle);
      return at < 0 ? [] : [`${needle}: …${received.slice(Math.max(0, at - 120), at + 80)}…`];
    });
    expect(leaks).toEqual([]);
    // The needles are real: LensLight, who may see them, received them.
    for (const value of [SECRET.venue, SECRET.timelineItem, SECRET.message, SECRET.noteTitle, SECRET.meetingTitle]) {
      expect(sarahReceived).toContain(value);
    }
  });
});
