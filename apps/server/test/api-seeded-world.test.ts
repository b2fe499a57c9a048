import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ApiWorld, startApiWorld } from './api-fixture.ts';

const EMMA_WEDDING = 'w-emma-james';
type Rec = { c: string; id: string; fields: Record<string, unknown> } & Record<string, unknown>;
const ids = (records: Rec[]) => records.map((r) => r.id);

/** Issue 4 item 8: the app as `npm start` runs it shows the seeded world through the HTTP API. */
describe('issue 4 item 8 the seeded world through the API', () => {
  let world: ApiWorld;
  beforeAll(async () => {
    world = await startApiWorld();
  }, 120_000);
  afterAll(() => world?.close());

  test('R7.1 R6.2 Sarah sees her clients with statuses, her metrics, forms with completion and the running journey', async () => {
    const sarah = world.as('u-sarah');
    const clients = (await sarah.get('/api/suppliers/lenslight/clients')).body.clients;
    expect(clients.map((c: { displayName: string }) => c.displayName).sort()).toEqual([
      'Emma & James',
      'Priya & Arjun',
    ]);
    const emma = clients.find((c: { weddingId: string }) => c.weddingId === EMMA_WEDDING);
    expect(emma.wedding.fields).toMatchObject({ venue: 'Oakwood Hall, Surrey', guestCount: 150 });
    expect(emma.status).toMatchObject({ recentlyActive: true, inactive: false });
    const metrics = (await sarah.get('/api/suppliers/lenslight/metrics')).body.metrics;
    expect(metrics).toMatchObject({ supplierId: 'lenslight', activeClients: 2, revenueCents: { GBP: 50_000 } });
    const forms = (await sarah.get('/api/suppliers/lenslight/forms')).body.records as Rec[];
    expect(ids(forms)).toContain('f-lenslight-questionnaire');
    const assignment = forms.find((r) => r.id === 'a-emma-questionnaire')!;
    expect(assignment).toMatchObject({ formTitle: 'Photography questionnaire', completion: { answered: 2, total: 5 } });
    const journeys = (await sarah.get('/api/suppliers/lenslight/journeys')).body.records as Rec[];
    const run = journeys.find((r) => r.id === 'j-lenslight-onboarding.c-emma-james')!;
    expect(run).toMatchObject({
      journeyName: 'Client onboarding',
      stageNames: ['Welcome', 'Planning', 'Pre-wedding'],
      fields: { status: 'running', stageIndex: 1 },
    });
    const team = (await sarah.get('/api/suppliers/lenslight/team')).body.records as Rec[];
    expect(ids(team)).toEqual(expect.arrayContaining(['chat-lenslight-1', 'tm-lenslight-u-bob']));
    const notes = (await sarah.get('/api/suppliers/lenslight/notes')).body.records as Rec[];
    expect(notes.find((r) => r.id === 'note-emma-shotlist')?.fields.body).toMatch(/sunset portrait/);
    expect(ids(notes)).toContain('note-lenslight-kit');
  });

  test('R6.1 activity reads per audience; couples see their tasks, meetings and notes but no team-only note', async () => {
    const liam = (await world.as('u-liam').get('/api/suppliers/oakwood/activity')).body.items;
    expect(liam.map((i: { text: string }) => i.text)).toContain('Emma just completed the timeline form');
    const emma = world.as('u-emma');
    const feed = (await emma.get(`/api/weddings/${EMMA_WEDDING}/activity`)).body.items;
    expect(feed.map((i: { text: string }) => i.text)).toContain('James updated the guest count to 150');
    const tasks = (await emma.get(`/api/weddings/${EMMA_WEDDING}/tasks`)).body.records as Rec[];
    expect(ids(tasks)).toEqual(expect.arrayContaining(['task-emma-cake', 'task-emma-guestlist']));
    expect(ids(tasks)).not.toContain('task-lenslight-backup');
    const meetings = (await emma.get(`/api/weddings/${EMMA_WEDDING}/meetings`)).body.records as Rec[];
    expect(ids(meetings).sort()).toEqual(['mt-emma-engagement', 'mt-emma-tasting']);
    expect(meetings.every((m) => Array.isArray(m.conflicts))).toBe(true);
    const notes = (await emma.get(`/api/weddings/${EMMA_WEDDING}/notes`)).body.records as Rec[];
    expect(ids(notes)).toEqual(['note-emma-shotlist']);
    const core = (await emma.get(`/api/weddings/${EMMA_WEDDING}`)).body;
    expect(core).toMatchObject({ couple: { displayName: 'Emma & James' }, wedding: { fields: { guestCount: 150 } } });
    expect(core.sharedFields).toBeUndefined();
    const sharing = (await emma.get(`/api/weddings/${EMMA_WEDDING}/sharing`)).body.sharing;
    expect(sharing.map((s: { supplierId: string }) => s.supplierId)).toEqual(['feast', 'lenslight', 'oakwood']);
    expect(sharing.find((s: { supplierId: string }) => s.supplierId === 'oakwood').fields.contact).toBe(false);
  });

  test('R4.2 history lists the versions and a rollback writes a new, audited version, delivered live', async () => {
    const emma = world.as('u-emma');
    const sarahSocket = await world.connect('u-sarah');
    await sarahSocket.join(`wedding:${EMMA_WEDDING}`);
    await world.write('u-emma', `wedding:${EMMA_WEDDING}`, 'weddings', EMMA_WEDDING, { venue: 'The Barn, Surrey' });
    const history = (await emma.get(`/api/records/weddings/${EMMA_WEDDING}/history`)).body.entries;
    expect(history[0]).toMatchObject({ by: 'u-emma', changed: ['venue'], fields: { venue: 'The Barn, Surrey' } });
    const previous = history[1].v as number;
    const rollback = await emma.post(`/api/records/weddings/${EMMA_WEDDING}/rollback`, { to: previous });
    expect(rollback.status).toBe(200);
    await sarahSocket.waitForSeq(`wedding:${EMMA_WEDDING}`, rollback.body.seq);
    const after = (await emma.get(`/api/records/weddings/${EMMA_WEDDING}/history`)).body.entries;
    expect(after[0]).toMatchObject({
      v: rollback.body.v,
      rollbackOf: previous,
      fields: { venue: 'Oakwood Hall, Surrey' },
    });
    const core = (await emma.get(`/api/weddings/${EMMA_WEDDING}`)).body.wedding;
    expect(core.fields.venue).toBe('Oakwood Hall, Surrey');

    const byFeast = await world.as('u-olivia').post(`/api/records/weddings/${EMMA_WEDDING}/rollback`, { to: 1 });
    expect(byFeast.status).toBe(403);
    const byViewer = await world.as('u-vera').post('/api/records/notes/note-lenslight-kit/rollback', { to: 1 });
    expect(byViewer.body.error.code).toBe('READ_ONLY');
    const missing = await emma.post(`/api/records/weddings/${EMMA_WEDDING}/rollback`, { to: 999 });
    expect(missing.body.error.code).toBe('VERSION_NOT_FOUND');
    const bad = await emma.post(`/api/records/weddings/${EMMA_WEDDING}/rollback`, { to: 'last' });
    expect(bad.status).toBe(400);
  });

  test('R13 scenario 11 search finds what each person may see, and a held search answers when a matching record appears', async () => {
    const sunset = async (userId: string) =>
      ((await world.as(userId).get('/api/search?q=sunset')).body.hits as { c: string; id: string }[]).map(
        (h) => `${h.c}/${h.id}`,
      );
    expect(await sunset('u-sarah')).toEqual(
      expect.arrayContaining(['notes/note-emma-shotlist', 'messages/msg-emma-lenslight-1']),
    );
    expect(await sunset('u-emma')).toEqual(expect.arrayContaining(['messages/msg-emma-lenslight-1']));
    expect(await sunset('u-noah')).toEqual([]);
    expect(await sunset('u-olivia')).toEqual([]);

    const sarah = world.as('u-sarah');
    const first = (await sarah.get('/api/search?q=marquee')).body;
    expect(first.hits).toEqual([]);
    const unchanged = await sarah.get(`/api/search?q=marquee&etag=${first.etag}&waitMs=200`);
    expect(unchanged.body).toMatchObject({ changed: false, etag: first.etag });

    const held = sarah.get(`/api/search?q=marquee&etag=${first.etag}&waitMs=20000`);
    // A matching note Sarah may not see (Feast's) does not answer it; LensLight's does.
    await world.write('u-olivia', `wedding:${EMMA_WEDDING}`, 'notes', 'note-feast-marquee', {
      weddingId: EMMA_WEDDING,
      supplierId: 'feast',
      title: 'Marquee catering tent',
    });
    await world.write('u-bob', 'supplier:lenslight', 'notes', 'note-lenslight-marquee', {
      supplierId: 'lenslight',
      teamOnly: true,
      title: 'Marquee lighting plan',
    });
    const answered = await held;
    expect(answered.body.changed).toBe(true);
    expect(answered.body.hits.map((h: { id: string }) => h.id)).toEqual(['note-lenslight-marquee']);
    expect(answered.body.hits[0]).toMatchObject({ topic: 'supplier:lenslight', title: 'Marquee lighting plan' });

    const tooShort = await sarah.get('/api/search?q=');
    expect(tooShort.body.error.code).toBe('VALIDATION_FAILED');
  });
});
