import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { activityFromRecord, fieldIdOf, sharingId } from '../src/index.ts';
import { EMMA_COUPLE, NOW_MS, team } from './seeded-model.ts';
import { openStorageWorld, type StorageWorld } from './storage-world.ts';

const WEDDING = 'w-emma-james';
const GUESTS = fieldIdOf('weddings', 'guestCount');
const VENUE = fieldIdOf('weddings', 'venue');
const feast = team('feast');
const lenslight = team('lenslight');
const olivia = { id: 's-olivia', user: { id: 'u-olivia' } };
const sarah = { id: 's-sarah', user: { id: 'u-sarah' } };

/**
 * R14.2 / DESIGN §3 on real storage: Emma stops sharing the guest count with Feast. Feast's change
 * frames, snapshots, history, activity text and metrics never contain it; re-sharing brings it back.
 */
describe('R14.2 guest count unshared with one supplier', () => {
  let world: StorageWorld;
  beforeAll(async () => {
    world = await openStorageWorld();
    await world.write('u-emma', 'sharing', sharingId(WEDDING, 'feast'), { guestCount: false });
  }, 120_000);
  afterAll(() => world?.close());

  test('R14.2 the change is not sent to Feast on any topic, and only the shared part of a mixed change is', async () => {
    const { applied } = await world.write('u-james', 'weddings', WEDDING, { guestCount: 160 });
    const change = (await world.storage.changesSince([`wedding:${WEDDING}`], applied[0]!.change.seq - 1, 1))[0]!;
    const hooks = world.model.recordSyncHooks();
    for (const topic of ['wedding:w-emma-james', 'supplier:feast', 'supplier:feast:clients']) {
      expect(hooks.projectChange(change, olivia, topic)).toBeUndefined();
    }
    expect(hooks.projectChange(change, sarah, 'wedding:w-emma-james')?.ops).toEqual([{ k: 'set', f: GUESTS, v: 160 }]);
    const mixed = await world.write('u-james', 'weddings', WEDDING, { guestCount: 161, venue: 'Oakwood Hall, Barn' });
    const mixedChange = (
      await world.storage.changesSince([`wedding:${WEDDING}`], mixed.applied[0]!.change.seq - 1, 1)
    )[0]!;
    expect(hooks.projectChange(mixedChange, olivia, 'wedding:w-emma-james')?.ops).toEqual([
      { k: 'set', f: VENUE, v: 'Oakwood Hall, Barn' },
    ]);
    expect(
      world.model
        .propagate(mixed.applied[0]!)
        .filter(
          (e) =>
            e.audience.kind === 'team' &&
            e.audience.supplierId === 'feast' &&
            'coreField' in e &&
            e.coreField === 'guestCount',
        ),
    ).toEqual([]);
  });

  test('R14.2 the snapshot and every history entry Feast gets lack the guest count', async () => {
    const hooks = world.model.recordSyncHooks();
    const record = await world.storage.getRecord('weddings', WEDDING);
    expect(record?.fields[String(GUESTS)]).toBe(161);
    const forFeast = hooks.projectRecord(record!, olivia, 'wedding:w-emma-james');
    expect(forFeast?.fields).not.toHaveProperty(String(GUESTS));
    expect(forFeast?.fields[String(VENUE)]).toBe('Oakwood Hall, Barn');
    expect(hooks.projectRecord(record!, sarah, 'wedding:w-emma-james')?.fields[String(GUESTS)]).toBe(161);
    const history = await world.storage.history('weddings', WEDDING, { limit: 50 });
    expect(history.some((entry) => entry.ops.some((op) => op.f === GUESTS))).toBe(true);
    const projected = history
      .map((entry) => world.model.projectHistoryEntry(record!, entry, feast, 'wedding:w-emma-james'))
      .filter((entry) => entry !== undefined);
    expect(projected.length).toBeGreaterThan(0);
    for (const entry of projected) {
      expect(entry.fields).not.toHaveProperty(String(GUESTS));
      expect(entry.ops.some((op) => op.f === GUESTS)).toBe(false);
    }
    expect(projected.length).toBeLessThan(history.length);
  });

  test('R14.2 R6.1 activity text never mentions the guest count to Feast, in past or new events', async () => {
    const feed = world.model.activityFeed(feast, { nowMs: NOW_MS, limit: 1_000 }).map((item) => item.text);
    expect(feed.length).toBeGreaterThan(0);
    expect(feed.join('\n')).not.toMatch(/guest count/i);
    const lenslightFeed = world.model.activityFeed(lenslight, { nowMs: NOW_MS, limit: 1_000 }).map((item) => item.text);
    expect(lenslightFeed).toContain('James updated the guest count to 150');
    const { applied } = await world.write('u-james', 'weddings', WEDDING, { guestCount: 162 });
    const [event] = world.model.describe(applied[0]!);
    expect(world.model.activityText(event!, feast, NOW_MS)).toBeUndefined();
    expect(world.model.activityText(event!, lenslight, NOW_MS)).toBe('James updated the guest count to 162');
    expect(JSON.stringify(world.model.metricsFor('feast', NOW_MS))).not.toContain('162');
  });

  test('R14.2 re-sharing makes the field appear live: a re-projection is due and Feast now sees it everywhere', async () => {
    const { applied } = await world.write('u-emma', 'sharing', sharingId(WEDDING, 'feast'), { guestCount: true });
    const [due] = world.model.reprojections(applied[0]!);
    expect(due).toMatchObject({ audience: feast, c: 'weddings', id: WEDDING, gained: ['guestCount'], lost: [] });
    const record = await world.storage.getRecord('weddings', WEDDING);
    expect(
      world.model.recordSyncHooks().projectRecord(record!, olivia, 'wedding:w-emma-james')?.fields[String(GUESTS)],
    ).toBe(162);
    const feed = world.model.activityFeed(feast, { nowMs: NOW_MS, limit: 1_000 }).map((item) => item.text);
    expect(feed).toContain('James updated the guest count to 150');
    const next = await world.write('u-james', 'weddings', WEDDING, { guestCount: 163 });
    const change = (await world.storage.changesSince([`wedding:${WEDDING}`], next.applied[0]!.change.seq - 1, 1))[0]!;
    expect(world.model.recordSyncHooks().projectChange(change, olivia, 'supplier:feast:clients')?.ops).toEqual([
      { k: 'set', f: GUESTS, v: 163 },
    ]);
  });

  test('R14.2 an anonymous edit shows "A team member" to the couple and the editor to the team', async () => {
    const { applied } = await world.write(
      'u-bob',
      'notes',
      'note-emma-shotlist',
      { title: 'Shot list (final)' },
      { actor: 'anon:u-bob' },
    );
    const change = (await world.storage.changesSince([`wedding:${WEDDING}`], applied[0]!.change.seq - 1, 1))[0]!;
    const hooks = world.model.recordSyncHooks();
    const forCouple = hooks.projectChange(change, { id: 's-emma', user: { id: 'u-emma' } }, 'wedding:w-emma-james');
    expect(forCouple?.by).toBe('anonymous');
    expect(forCouple?.cid).toBeUndefined();
    expect(hooks.projectChange(change, sarah, 'wedding:w-emma-james')?.by).toBe('u-bob');
    const history = await world.storage.history('notes', 'note-emma-shotlist', { limit: 1 });
    const record = await world.storage.getRecord('notes', 'note-emma-shotlist');
    expect(world.model.projectHistoryEntry(record!, history[0]!, EMMA_COUPLE, 'couple:c-emma-james')?.by).toBe(
      'anonymous',
    );
    const note = world.model.directory.records
      .all('activity')
      .map(activityFromRecord)
      .find((e) => e?.subjectId === 'note-emma-shotlist');
    expect(note && world.model.activityText({ ...note, actor: 'anon:u-bob' }, EMMA_COUPLE, NOW_MS)).toBe(
      'A team member added a note “Shot list ideas”',
    );
    expect(note && world.model.activityText({ ...note, actor: 'anon:u-bob' }, lenslight, NOW_MS)).toBe(
      'Bob added a note “Shot list ideas”',
    );
  });
});
