import type { RecordSnapshot } from '@wedsync/protocol';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { answerId, fieldIdOf, SEED_FORMS, sharingId } from '../src/index.ts';
import { EMMA_COUPLE, team } from './seeded-model.ts';
import { openStorageWorld, type StorageWorld } from './storage-world.ts';

const WEDDING = 'w-emma-james';
const MENU_FORM = SEED_FORMS.menu;
const MENU_ASSIGNMENT = 'a-emma-menu';
/** Feast's "Guest count" field (bound to the wedding's guest count) and "Menu choice" (not bound). */
const GUESTS_ANSWER = answerId(MENU_ASSIGNMENT, 'm1');
const MENU_ANSWER = answerId(MENU_ASSIGNMENT, 'm2');
/** LensLight's "Number of guests" (bound to the guest count, which stays shared with LensLight). */
const LENSLIGHT_GUESTS_ANSWER = answerId('a-emma-questionnaire', 'q5');
const VALUE = String(fieldIdOf('form_answers', 'value'));
const feast = team('feast');
const olivia = { id: 's-olivia', user: { id: 'u-olivia' } };
const sarah = { id: 's-sarah', user: { id: 'u-sarah' } };
const emma = { id: 's-emma', user: { id: 'u-emma' } };
const FEAST_TOPICS = [`wedding:${WEDDING}`, 'supplier:feast', 'supplier:feast:forms', `form:${MENU_FORM}`];

/**
 * R14.2 / DESIGN §3: a form field bound to a core field shows that core field's value, so an answer to
 * it is that value. With the guest count unshared to Feast, the answer to Feast's "Guest count" field
 * (150) must reach Feast nowhere: not in changes, snapshots or history, on any topic.
 */
describe('R14.2 answers of form fields bound to an unshared core field', () => {
  let world: StorageWorld;
  beforeAll(async () => {
    world = await openStorageWorld();
  }, 120_000);
  afterAll(() => world?.close());

  const snapshot = async (id: string) => (await world.storage.getRecord('form_answers', id))!;

  test('R14.2 while shared, Feast sees the bound answer (the rule hides only what is unshared)', async () => {
    const hooks = world.model.recordSyncHooks();
    const record = await snapshot(GUESTS_ANSWER);
    expect(record.fields[VALUE]).toBe(150);
    for (const topic of FEAST_TOPICS) expect(hooks.projectRecord(record, olivia, topic)?.fields[VALUE]).toBe(150);
  });

  test('R14.2 unshared: Feast gets the bound answer in no snapshot, change or history entry; the couple and other answers are untouched', async () => {
    const { applied } = await world.write('u-emma', 'sharing', sharingId(WEDDING, 'feast'), { guestCount: false });
    const hooks = world.model.recordSyncHooks();
    const record = await snapshot(GUESTS_ANSWER);
    for (const topic of FEAST_TOPICS) {
      expect(hooks.projectRecord(record, olivia, topic), topic).toBeUndefined();
      expect(hooks.projectRecord(await snapshot(MENU_ANSWER), olivia, topic)?.fields[VALUE]).toBe('Seasonal');
    }
    expect(hooks.projectRecord(record, emma, `form:${MENU_FORM}`)?.fields[VALUE]).toBe(150);
    expect(
      hooks.projectRecord(await snapshot(LENSLIGHT_GUESTS_ANSWER), sarah, 'supplier:lenslight:forms'),
    ).toBeDefined();

    // A new answer after the unsharing: never sent to Feast, still sent to the couple.
    const write = await world.write('u-emma', 'form_answers', GUESTS_ANSWER, { value: 98_765 });
    const seq = write.applied[0]!.change.seq;
    const [change] = await world.storage.changesSince([`wedding:${WEDDING}`], seq - 1, 1);
    for (const topic of FEAST_TOPICS) expect(hooks.projectChange(change!, olivia, topic), topic).toBeUndefined();
    expect(hooks.projectChange(change!, emma, `wedding:${WEDDING}`)?.ops).toContainEqual({
      k: 'set',
      f: Number(VALUE),
      v: 98_765,
    });

    // History: every version hidden from Feast, visible to the couple.
    const current = await snapshot(GUESTS_ANSWER);
    const history = await world.storage.history('form_answers', GUESTS_ANSWER, { limit: 50 });
    expect(history.length).toBeGreaterThan(1);
    for (const entry of history) {
      expect(world.model.projectHistoryEntry(current, entry, feast, `form:${MENU_FORM}`)).toBeUndefined();
      expect(world.model.projectHistoryEntry(current, entry, EMMA_COUPLE, `couple:c-emma-james`)).toBeDefined();
    }

    // The sharing change asks for fresh snapshots of Feast's form topics too, so the answer goes live.
    const [due] = world.model.reprojections(applied[0]!);
    expect(due?.topics).toEqual(expect.arrayContaining(['supplier:feast:forms', `form:${MENU_FORM}`]));
  });

  test('R14.2 a new record of a bound answer (not yet in the read model) is judged by its own ops', () => {
    const hooks = world.model.recordSyncHooks();
    const unknown: RecordSnapshot & { scope: string } = {
      c: 'form_answers',
      id: answerId(MENU_ASSIGNMENT, 'm1-copy'),
      v: 1,
      scope: `wedding:${WEDDING}`,
      fields: {
        [String(fieldIdOf('form_answers', 'assignmentId'))]: MENU_ASSIGNMENT,
        [String(fieldIdOf('form_answers', 'formFieldId'))]: 'm1',
        [String(fieldIdOf('form_answers', 'weddingId'))]: WEDDING,
        [VALUE]: 151,
      },
    };
    expect(hooks.projectRecord(unknown, olivia, `form:${MENU_FORM}`)).toBeUndefined();
  });

  test('R14.2 re-sharing brings the bound answer back, and the re-projection names the form topics', async () => {
    const { applied } = await world.write('u-emma', 'sharing', sharingId(WEDDING, 'feast'), { guestCount: true });
    const [due] = world.model.reprojections(applied[0]!);
    expect(due).toMatchObject({ audience: feast, gained: ['guestCount'], lost: [] });
    expect(due?.topics).toEqual(expect.arrayContaining(['supplier:feast:forms', `form:${MENU_FORM}`]));
    const record = await snapshot(GUESTS_ANSWER);
    for (const topic of FEAST_TOPICS) {
      expect(world.model.recordSyncHooks().projectRecord(record, olivia, topic)?.fields[VALUE]).toBe(98_765);
    }
  });

  test('R14.2 binding a field to an unshared core field hides its answers; the form change asks for fresh snapshots', async () => {
    await world.write('u-emma', 'sharing', sharingId(WEDDING, 'feast'), { venue: false });
    const form = world.model.directory.records.get('forms', MENU_FORM)!;
    const items = form.fields.fields as { id: string; v: Record<string, unknown> }[];
    const menuChoice = items.find((item) => item.id === 'm2')!;
    const before = await snapshot(MENU_ANSWER);
    expect(world.model.recordSyncHooks().projectRecord(before, olivia, `form:${MENU_FORM}`)).toBeDefined();
    // The supplier rebinds its "Menu choice" field to the venue (list item replaced: remove, then add).
    const listField = fieldIdOf('forms', 'fields');
    const { applied } = await world.write(
      'u-olivia',
      'forms',
      MENU_FORM,
      {},
      {
        extraOps: [
          { k: 'remove', f: listField, id: 'm2' },
          { k: 'add', f: listField, id: 'm2', v: { ...menuChoice.v, boundTo: 'venue' } },
        ],
      },
    );
    expect(world.model.recordSyncHooks().projectRecord(before, olivia, `form:${MENU_FORM}`)).toBeUndefined();
    const due = world.model.reprojections(applied[0]!);
    expect(due.find((r) => r.audience.kind === 'team' && r.audience.supplierId === 'feast')?.topics).toEqual(
      expect.arrayContaining([`form:${MENU_FORM}`, 'supplier:feast:forms', `wedding:${WEDDING}`]),
    );
  });
});
