import type { RecordSnapshot } from '@wedsync/protocol';
import { describe, expect, test } from 'vitest';
import { fieldIdOf, type IndexedRecord, seedPeople, type WeddingModel } from '../src/index.ts';
import { NOW_MS, seededModel } from './seeded-model.ts';

/**
 * R2.2 authorization matrix: every seeded person × every topic of the seed. W = join, read and
 * write; R = join and read, writes refused with READ_ONLY (viewer); - = join refused with FORBIDDEN,
 * nothing delivered, writes refused with FORBIDDEN.
 */
const MATRIX = `
topic                                               emma james sarah bob vera olivia liam priya arjun noah
supplier:lenslight                                  -    -     W     W   R    -      -    -     -     -
supplier:lenslight:team                             -    -     W     W   R    -      -    -     -     -
supplier:lenslight:clients                          -    -     W     W   R    -      -    -     -     -
supplier:lenslight:forms                            -    -     W     W   R    -      -    -     -     -
supplier:lenslight:journeys                         -    -     W     W   R    -      -    -     -     -
supplier:feast                                      -    -     -     -   -    W      -    -     -     -
supplier:feast:team                                 -    -     -     -   -    W      -    -     -     -
supplier:feast:clients                              -    -     -     -   -    W      -    -     -     -
supplier:feast:forms                                -    -     -     -   -    W      -    -     -     -
supplier:feast:journeys                             -    -     -     -   -    W      -    -     -     -
supplier:oakwood                                    -    -     -     -   -    -      W    -     -     -
supplier:oakwood:team                               -    -     -     -   -    -      W    -     -     -
supplier:oakwood:clients                            -    -     -     -   -    -      W    -     -     -
supplier:oakwood:forms                              -    -     -     -   -    -      W    -     -     -
supplier:oakwood:journeys                           -    -     -     -   -    -      W    -     -     -
supplier:bloom                                      -    -     -     -   -    -      -    -     -     W
supplier:bloom:team                                 -    -     -     -   -    -      -    -     -     W
supplier:bloom:clients                              -    -     -     -   -    -      -    -     -     W
supplier:bloom:forms                                -    -     -     -   -    -      -    -     -     W
supplier:bloom:journeys                             -    -     -     -   -    -      -    -     -     W
couple:c-emma-james                                 W    W     -     -   -    -      -    -     -     -
couple:c-emma-james:suppliers                       W    W     -     -   -    -      -    -     -     -
couple:c-emma-james:tasks                           W    W     -     -   -    -      -    -     -     -
couple:c-emma-james:timeline                        W    W     -     -   -    -      -    -     -     -
couple:c-priya-arjun                                -    -     -     -   -    -      -    W     W     -
couple:c-priya-arjun:suppliers                      -    -     -     -   -    -      -    W     W     -
couple:c-priya-arjun:tasks                          -    -     -     -   -    -      -    W     W     -
couple:c-priya-arjun:timeline                       -    -     -     -   -    -      -    W     W     -
wedding:w-emma-james                                W    W     W     W   R    W      W    -     -     -
wedding:w-priya-arjun                               -    -     W     W   R    -      -    W     W     W
form:f-lenslight-questionnaire                      W    W     W     W   R    -      -    W     W     -
form:f-feast-menu                                   W    W     -     -   -    W      -    -     -     -
form:f-oakwood-timeline                             W    W     -     -   -    -      W    -     -     -
form:f-bloom-flowers                                -    -     -     -   -    -      -    W     W     W
journey:j-lenslight-onboarding:c-emma-james         W    W     W     W   R    -      -    -     -     -
journey:j-lenslight-onboarding:c-priya-arjun        -    -     W     W   R    -      -    W     W     -
`;

/** Topics that exist but carry no seeded record yet (no journeys outside LensLight). */
const EMPTY_TOPICS = new Set(['supplier:feast:journeys', 'supplier:oakwood:journeys', 'supplier:bloom:journeys']);

const [header, ...rows] = MATRIX.trim()
  .split('\n')
  .map((line) => line.trim().split(/\s+/));
const people = header!.slice(1);
const cells = rows.flatMap(([topic, ...marks]) =>
  marks.map((mark, i) => ({ topic: topic!, person: people[i]!, mark })),
);
const userIdOf = (person: string) => {
  const found = seedPeople.find((p) => p.email.startsWith(`${person}@`));
  if (!found) throw new Error(`no seeded person ${person}`);
  return found.userId;
};

/** Every current record of the topic's scopes, as storage would snapshot them (fields by id). */
function snapshotsOf(model: WeddingModel, topic: string): (RecordSnapshot & { scope: string })[] {
  const scopes = new Set(model.recordSyncHooks().scopesForTopic(topic));
  return [...model.directory.records.everything()].filter((r) => scopes.has(r.scope)).map(toSnapshot);
}

function toSnapshot(record: IndexedRecord): RecordSnapshot & { scope: string } {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record.fields)) fields[String(fieldIdOf(record.c, name))] = value;
  return { c: record.c, id: record.id, v: record.v, scope: record.scope, fields };
}

describe('R2.2 authorization matrix (every seeded person × every seeded topic)', () => {
  const model = seededModel();
  const hooks = model.recordSyncHooks();
  const realtime = model.realtimeHooks();

  test('R2.2 the table has no gaps: every seeded person and every topic anyone may join', () => {
    expect(people.sort()).toEqual(seedPeople.map((p) => p.email.split('@')[0]).sort());
    expect(rows.every((row) => row.length === people.length + 1)).toBe(true);
    const joinable = new Set(seedPeople.flatMap((p) => model.topicsForUser(p.userId).map((g) => g.topic)));
    expect([...joinable].sort()).toEqual(rows.map(([topic]) => topic).sort());
  });

  test.each(cells)('R2.2 $person on $topic: $mark', ({ topic, person, mark }) => {
    const userId = userIdOf(person);
    const join = model.canJoin(userId, topic);
    const write = model.canWrite(userId, topic);
    const grant = model.topicsForUser(userId).find((g) => g.topic === topic);
    const hookJoin = realtime.authorizeJoin({ user: { id: userId }, topic, parsedTopic: undefined });
    const session = { id: `s-${person}`, user: { id: userId } };
    const delivered = snapshotsOf(model, topic).filter((record) => hooks.projectRecord(record, session, topic));
    if (mark === '-') {
      expect(join).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(hookJoin).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(grant).toBeUndefined();
      expect(delivered).toEqual([]);
      expect(write).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      return;
    }
    expect(join.ok).toBe(true);
    expect(hookJoin).toBe(true);
    expect(grant?.access).toBe(mark === 'W' ? 'write' : 'read');
    if (!EMPTY_TOPICS.has(topic)) expect(delivered.length).toBeGreaterThan(0);
    if (mark === 'W') expect(write).toEqual({ ok: true });
    else expect(write).toMatchObject({ ok: false, code: 'READ_ONLY' });
  });

  test("R2.2 R14.2 noah@bloom.example never receives a byte about Emma's wedding on any topic he may join", () => {
    const session = { id: 's-noah', user: { id: 'u-noah' } };
    const everything = [...model.directory.records.everything()].map(toSnapshot);
    const received: unknown[] = [];
    for (const { topic } of model.topicsForUser('u-noah')) {
      for (const record of everything) {
        const projected = hooks.projectRecord(record, session, topic);
        if (projected) received.push(projected);
      }
    }
    received.push(model.activityFeed({ kind: 'team', supplierId: 'bloom' }, { nowMs: NOW_MS, limit: 1_000 }));
    expect(received.length).toBeGreaterThan(5);
    const bytes = JSON.stringify(received);
    for (const needle of ['w-emma-james', 'c-emma-james', 'Emma', 'James', 'emma@', 'Oakwood', '900123']) {
      expect(bytes).not.toContain(needle);
    }
  });
});
