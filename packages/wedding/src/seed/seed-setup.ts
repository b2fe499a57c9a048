import { sharingId } from '../collections/wedding-collections.ts';
import type { SeedBuilder } from './seed-builder.ts';
import { SEED_COUPLES, SEED_SUPPLIERS, seedPeople } from './seed-people.ts';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** "YYYY-MM-DD" of a moment (UTC). */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const item = (id: string, v: unknown) => ({ id, v });

export const SEED_FORMS = {
  questionnaire: 'f-lenslight-questionnaire',
  menu: 'f-feast-menu',
  timeline: 'f-oakwood-timeline',
  flowers: 'f-bloom-flowers',
} as const;

export const SEED_JOURNEY = 'j-lenslight-onboarding';

/** Who is who, the two weddings, their connections and sharing, forms and the journey: eight days ago. */
export function writeSetup(seed: SeedBuilder, nowMs: number): void {
  const t0 = nowMs - 8 * DAY_MS;
  const { emmaJames, priyaArjun } = SEED_COUPLES;
  for (const person of seedPeople) {
    seed.write({
      by: 'system',
      atMs: t0,
      c: 'users',
      id: person.userId,
      fields: {
        name: person.name,
        email: person.email,
        kind: person.kind,
        presenceVisible: true,
        anonymousEdits: false,
      },
    });
  }
  for (const supplier of Object.values(SEED_SUPPLIERS)) {
    const email = `hello@${supplier.id}.example`;
    seed.write({
      by: 'system',
      atMs: t0,
      c: 'suppliers',
      id: supplier.id,
      fields: { name: supplier.name, type: supplier.type, email, city: supplier.city },
    });
  }
  for (const couple of [emmaJames, priyaArjun]) {
    const [partnerA, partnerB] = couple.partners;
    seed.write({
      by: 'system',
      atMs: t0,
      c: 'couples',
      id: couple.id,
      fields: { partnerA, partnerB, displayName: couple.displayName, weddingId: couple.weddingId },
    });
  }
  for (const person of seedPeople) {
    if (!person.supplierId || !person.role) continue;
    const owner = seedPeople.find((p) => p.supplierId === person.supplierId && p.role === 'owner')?.userId ?? 'system';
    seed.write({
      by: owner,
      atMs: t0 + 1,
      c: 'team_members',
      id: `tm-${person.supplierId}-${person.userId}`,
      fields: { supplierId: person.supplierId, userId: person.userId, role: person.role },
    });
  }
  const timeline = (entries: [string, string][]) =>
    entries.map(([time, title], i) => item(`tl-${i + 1}`, { time, title }));
  seed.write({
    by: 'u-emma',
    atMs: t0 + HOUR_MS,
    c: 'weddings',
    id: emmaJames.weddingId,
    fields: {
      coupleId: emmaJames.id,
      title: 'Emma & James',
      date: isoDate(nowMs + 200 * DAY_MS),
      venue: 'Oakwood Hall, Surrey',
      guestCount: 120,
      contact: { email: 'emma@wedme.example', phone: '+44 7700 900123' },
      timeline: timeline([
        ['14:00', 'Ceremony'],
        ['15:00', 'Drinks reception'],
        ['17:30', 'Wedding breakfast'],
        ['20:00', 'First dance'],
      ]),
    },
  });
  seed.write({
    by: 'u-priya',
    atMs: t0 + HOUR_MS,
    c: 'weddings',
    id: priyaArjun.weddingId,
    fields: {
      coupleId: priyaArjun.id,
      title: 'Priya & Arjun',
      date: isoDate(nowMs + 300 * DAY_MS),
      venue: 'The Glasshouse, London',
      guestCount: 180,
      contact: { email: 'priya@wedme.example', phone: '+44 7700 900456' },
      timeline: timeline([
        ['11:00', 'Baraat'],
        ['12:30', 'Ceremony'],
        ['18:00', 'Reception'],
      ]),
    },
  });
  const connect = (couple: typeof emmaJames | typeof priyaArjun, supplierId: string, by: string, atMs: number) => {
    seed.write({
      by,
      atMs,
      c: 'connections',
      id: `conn-${couple.weddingId}-${supplierId}`,
      fields: { weddingId: couple.weddingId, supplierId, status: 'active', connectedAtMs: atMs },
    });
    const shared = {
      date: true,
      venue: true,
      guestCount: true,
      contact: !(couple.id === emmaJames.id && supplierId === 'oakwood'),
      timeline: true,
    };
    seed.write({
      by,
      atMs,
      c: 'sharing',
      id: sharingId(couple.weddingId, supplierId),
      fields: { weddingId: couple.weddingId, supplierId, ...shared },
    });
  };
  for (const supplierId of ['lenslight', 'feast', 'oakwood'])
    connect(emmaJames, supplierId, 'u-emma', t0 + 2 * HOUR_MS);
  for (const supplierId of ['lenslight', 'bloom']) connect(priyaArjun, supplierId, 'u-priya', t0 + 2 * HOUR_MS);

  const field = (id: string, label: string, type: string, extra: Record<string, unknown> = {}) =>
    item(id, { label, type, ...extra });
  const forms: [string, string, string, string, ReturnType<typeof item>[]][] = [
    [
      SEED_FORMS.questionnaire,
      'lenslight',
      'u-sarah',
      'Photography questionnaire',
      [
        field('q1', 'Wedding date', 'date', { boundTo: 'date' }),
        field('q2', 'Venue', 'short', { boundTo: 'venue' }),
        field('q3', 'Must-have shots', 'long', { required: true }),
        field('q4', 'Group photo list', 'long'),
        field('q5', 'Number of guests', 'number', { boundTo: 'guestCount' }),
      ],
    ],
    [
      SEED_FORMS.menu,
      'feast',
      'u-olivia',
      'Menu & dietary form',
      [
        field('m1', 'Guest count', 'number', { boundTo: 'guestCount', required: true }),
        field('m2', 'Menu choice', 'choice', { options: ['Classic', 'Seasonal', 'Vegetarian feast'], required: true }),
        field('m3', 'Dietary requirements', 'long'),
        field('m4', 'Wedding date', 'date', { boundTo: 'date' }),
      ],
    ],
    [
      SEED_FORMS.timeline,
      'oakwood',
      'u-liam',
      'Timeline form',
      [
        field('t1', 'Ceremony start', 'short', { required: true }),
        field('t2', 'Dinner start', 'short', { required: true }),
        field('t3', 'Notes for the venue team', 'long'),
        field('t4', 'Day timeline', 'long', { boundTo: 'timeline' }),
      ],
    ],
    [
      SEED_FORMS.flowers,
      'bloom',
      'u-noah',
      'Floral preferences',
      [
        field('b1', 'Colour palette', 'short', { required: true }),
        field('b2', 'Bouquet style', 'choice', { options: ['Hand-tied', 'Cascade', 'Posy'] }),
        field('b3', 'Wedding date', 'date', { boundTo: 'date' }),
      ],
    ],
  ];
  for (const [id, supplierId, by, title, fields] of forms) {
    seed.write({
      by,
      atMs: t0 + 3 * HOUR_MS,
      c: 'forms',
      id,
      fields: { supplierId, title, fields, description: `${title} for our couples.` },
    });
  }
  seed.write({
    by: 'u-sarah',
    atMs: t0 + 3 * HOUR_MS,
    c: 'journeys',
    id: SEED_JOURNEY,
    fields: {
      supplierId: 'lenslight',
      name: 'Client onboarding',
      active: true,
      stages: [
        item('s1', {
          name: 'Welcome',
          modules: [
            { id: 'welcome-email', kind: 'send_email', label: 'Welcome email' },
            {
              id: 'send-questionnaire',
              kind: 'send_form',
              label: 'Send questionnaire',
              formId: SEED_FORMS.questionnaire,
            },
          ],
        }),
        item('s2', {
          name: 'Planning',
          modules: [
            { id: 'wait-14', kind: 'wait', label: 'Wait 14 days', waitDays: 14 },
            { id: 'questionnaire-reminder', kind: 'reminder', label: 'Questionnaire reminder' },
          ],
        }),
        item('s3', {
          name: 'Pre-wedding',
          modules: [{ id: 'final-details', kind: 'send_email', label: 'Final details email' }],
        }),
      ],
    },
  });
}
