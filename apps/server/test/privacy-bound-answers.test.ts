import type { HistoryEntry, ResyncPayload } from '@wedsync/protocol';
import { answerId, fieldIdOf, SEED_FORMS, weddingScope } from '@wedsync/wedding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedFrame } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { type ApiWorld, startApiWorld } from './api-fixture.ts';

const WEDDING = 'w-emma-james';
const FORM_TOPIC = `form:${SEED_FORMS.menu}`;
const FORMS_TOPIC = 'supplier:feast:forms';
/** The answers to Feast's "Guest count" (bound to the wedding's guest count) and "Menu choice". */
const GUESTS_ANSWER = answerId('a-emma-menu', 'm1');
const MENU_ANSWER = answerId('a-emma-menu', 'm2');
const VALUE = String(fieldIdOf('form_answers', 'value'));
/** A value no seq, time or id contains on its own (R14.2 frame scan). */
const SECRET_COUNT = 98_765;

const answersIn = (frame: ReceivedFrame) =>
  new Map(
    (frame.payload as ResyncPayload).records
      .filter((record) => record.c === 'form_answers')
      .map((record) => [record.id, record.fields[VALUE]]),
  );
const resyncOf = (topic: string) => (frame: ReceivedFrame) => frame.topic === topic && frame.event === 'sync_resync';

// R14.2 through the whole app: the answer to a form field bound to the guest count is the guest count.
// Emma unshares the guest count with Feast: Feast's form channels lose that answer live, a new value
// reaches Feast on no channel and through no HTTP endpoint (lists, search, history), and re-sharing
// brings it back live.
describe('R14.2 form answers bound to an unshared core field', () => {
  let world: ApiWorld;
  beforeAll(async () => {
    world = await startApiWorld();
  }, 120_000);
  afterAll(() => world?.close());

  it('R14.2 unsharing the guest count hides Feast’s bound "Guest count" answer everywhere, live; re-sharing shows it again', async () => {
    const olivia = await world.connect('u-olivia');
    for (const topic of [FORM_TOPIC, FORMS_TOPIC]) await olivia.join(topic, { snapshot: true });
    const joined = await olivia.waitFor(resyncOf(FORM_TOPIC));
    expect(answersIn(joined).get(GUESTS_ANSWER)).toBe(150);
    await olivia.waitFor(resyncOf(FORMS_TOPIC));
    const afterJoin = olivia.frames.length;

    const unshare = await world.as('u-emma').put(`/api/weddings/${WEDDING}/sharing/feast`, { guestCount: false });
    expect(unshare.status).toBe(200);
    for (const topic of [FORM_TOPIC, FORMS_TOPIC]) {
      const lost = await olivia.waitFor(resyncOf(topic), 10_000, afterJoin);
      expect(answersIn(lost).has(GUESTS_ANSWER), topic).toBe(false);
      expect(answersIn(lost).get(MENU_ANSWER), topic).toBe('Seasonal');
    }

    // Emma answers again: the new count reaches Feast on no channel; her next answer does.
    const scope = weddingScope(WEDDING);
    await world.write('u-emma', scope, 'form_answers', GUESTS_ANSWER, { value: SECRET_COUNT });
    const seq = await world.write('u-emma', scope, 'form_answers', MENU_ANSWER, { value: 'Classic' });
    for (const topic of [FORM_TOPIC, FORMS_TOPIC]) await olivia.waitForSeq(topic, seq);

    const history = await olivia.request<{ entries?: HistoryEntry[] }>(FORM_TOPIC, 'history', {
      c: 'form_answers',
      id: GUESTS_ANSWER,
    });
    expect(history.response.entries ?? []).toEqual([]);

    const feast = world.as('u-olivia');
    const records = await feast.get(`/api/records?topic=${FORM_TOPIC}`);
    expect(records.status).toBe(200);
    expect(records.body.records.map((r: { id: string }) => r.id)).toContain(MENU_ANSWER);
    expect(records.body.records.map((r: { id: string }) => r.id)).not.toContain(GUESTS_ANSWER);
    expect((await feast.get(`/api/search?q=${SECRET_COUNT}`)).body.hits).toEqual([]);
    expect((await feast.get(`/api/records/form_answers/${GUESTS_ANSWER}/history`)).status).toBe(404);
    const lists = await feast.get(`/api/suppliers/feast/forms`);
    expect(lists.status).toBe(200);
    expect(
      [records.text, lists.text, (await feast.get(`/api/records?topic=${FORMS_TOPIC}`)).text].join('\n'),
    ).not.toMatch(new RegExp(`\\b${SECRET_COUNT}\\b`));
    expect(JSON.stringify(olivia.frames)).not.toMatch(new RegExp(`\\b${SECRET_COUNT}\\b`));
    // The couple still finds its own answer.
    expect((await world.as('u-emma').get(`/api/search?q=${SECRET_COUNT}`)).body.hits).toEqual(
      expect.arrayContaining([expect.objectContaining({ c: 'form_answers', id: GUESTS_ANSWER })]),
    );

    // Re-share: the answer comes back live on both form channels, with the value Feast may now see.
    const before = olivia.frames.length;
    await world.as('u-emma').put(`/api/weddings/${WEDDING}/sharing/feast`, { guestCount: true });
    for (const topic of [FORM_TOPIC, FORMS_TOPIC]) {
      const gained = await olivia.waitFor(resyncOf(topic), 10_000, before);
      expect(answersIn(gained).get(GUESTS_ANSWER), topic).toBe(SECRET_COUNT);
    }
  });
});
