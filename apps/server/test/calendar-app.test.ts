import { CALENDAR_CONFLICT_EVENT, type CalendarConflictPayload, type FieldOp } from '@wedsync/protocol';
import { fieldIdOf } from '@wedsync/wedding';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ReceivedFrame, SyncTestClient } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { type ApiWorld, startApiWorld } from './api-fixture.ts';

const HOUR_MS = 3_600_000;
const WEDDING_TOPIC = 'wedding:w-emma-james';
const set = (name: string, v: unknown): FieldOp => ({ k: 'set', f: fieldIdOf('meetings', name), v });

const conflictFrame = (topic: string, meetingId: string, count?: number) => (frame: ReceivedFrame) =>
  frame.topic === topic &&
  frame.event === CALENDAR_CONFLICT_EVENT &&
  (frame.payload as CalendarConflictPayload).meetingId === meetingId &&
  (count === undefined || (frame.payload as CalendarConflictPayload).conflicts.length === count);

/** Waits until every frame the server sent before now has arrived (one heartbeat round trip). */
async function drained(client: SyncTestClient): Promise<void> {
  const reply = await client.request('phoenix', 'heartbeat', {});
  expect(reply.status).toBe('ok');
}

/**
 * R9 in the running app: a meeting Sarah books over Emma's Feast tasting syncs at once and both
 * meetings get a double-booking warning at once, each audience seeing only what it may (R14.2);
 * moving the meeting away clears the warnings; the API lists the same conflicts.
 */
describe('R9.1 R9.2 calendar sync and conflict warnings in the app', () => {
  let world: ApiWorld;
  let sarah: SyncTestClient;
  let emma: SyncTestClient;
  let olivia: SyncTestClient;
  let noah: SyncTestClient;
  let tastingStart: number;

  beforeAll(async () => {
    world = await startApiWorld();
    sarah = await world.connect('u-sarah');
    emma = await world.connect('u-emma');
    olivia = await world.connect('u-olivia');
    noah = await world.connect('u-noah');
    await sarah.join(WEDDING_TOPIC);
    await sarah.join('supplier:lenslight');
    await emma.join('couple:c-emma-james');
    await olivia.join('supplier:feast');
    await noah.join('supplier:bloom');
    tastingStart = (await world.server.storage.getRecord('meetings', 'mt-emma-tasting'))!.fields[
      String(fieldIdOf('meetings', 'startAtMs'))
    ] as number;
  }, 120_000);
  afterAll(() => world?.close());

  test('R9.1 R9.2 a double booking syncs and is warned at once, per audience; Noah hears nothing', async () => {
    const reply = await sarah.mutate(WEDDING_TOPIC, 'sarah-tab', [
      {
        mid: 1,
        c: 'meetings',
        id: 'mt-emma-portraits',
        base: 0,
        ops: [
          set('weddingId', 'w-emma-james'),
          set('supplierId', 'lenslight'),
          set('title', 'Portrait session'),
          set('startAtMs', tastingStart + HOUR_MS),
          set('endAtMs', tastingStart + 3 * HOUR_MS),
          set('status', 'scheduled'),
          { k: 'add', f: fieldIdOf('meetings', 'attendees'), id: 'u-sarah', v: { userId: 'u-sarah' } },
          { k: 'add', f: fieldIdOf('meetings', 'attendees'), id: 'u-emma', v: { userId: 'u-emma' } },
        ],
      },
    ]);
    expect(reply.response.results[0]?.status).toBe('applied');
    // The new meeting reaches the couple's channel, and both meetings carry the warning.
    await emma.waitFor(
      (f) => f.topic === 'couple:c-emma-james' && JSON.stringify(f.payload).includes('mt-emma-portraits'),
    );
    const forEmma = await emma.waitFor(conflictFrame('couple:c-emma-james', 'mt-emma-portraits', 1));
    expect((forEmma.payload as CalendarConflictPayload).conflicts[0]).toMatchObject({
      userId: 'u-emma',
      otherMeeting: { id: 'mt-emma-tasting', title: 'Menu tasting' },
    });
    await emma.waitFor(conflictFrame('couple:c-emma-james', 'mt-emma-tasting', 1));
    const forOlivia = await olivia.waitFor(conflictFrame('supplier:feast', 'mt-emma-tasting', 1));
    expect((forOlivia.payload as CalendarConflictPayload).conflicts[0]).toEqual({
      userId: 'u-emma',
      name: 'Emma Wilson',
      startAtMs: tastingStart + HOUR_MS,
      endAtMs: tastingStart + 2 * HOUR_MS,
    });
    const forSarah = await sarah.waitFor(conflictFrame('supplier:lenslight', 'mt-emma-portraits', 1));
    expect(JSON.stringify(forSarah.payload)).not.toMatch(/tasting|feast/i);
    await drained(olivia);
    expect(JSON.stringify(olivia.frames)).not.toMatch(/portrait/i);
    await drained(noah);
    expect(noah.frames.filter((f) => f.event === CALENDAR_CONFLICT_EVENT)).toEqual([]);
    expect(JSON.stringify(noah.frames)).not.toMatch(/emma|portrait|tasting/i);

    const meetings = (await world.as('u-olivia').get('/api/weddings/w-emma-james/meetings')).body.records;
    expect(meetings.map((m: { id: string }) => m.id)).toEqual(['mt-emma-tasting']);
    expect(meetings[0].conflicts).toEqual([(forOlivia.payload as CalendarConflictPayload).conflicts[0]]);
  });

  test('R9.1 R9.2 rescheduling the meeting away syncs and clears both warnings at once', async () => {
    const from = emma.frames.length;
    const base = (await world.server.storage.getRecord('meetings', 'mt-emma-portraits'))!.v;
    const reply = await sarah.mutate(WEDDING_TOPIC, 'sarah-tab', [
      {
        mid: 2,
        c: 'meetings',
        id: 'mt-emma-portraits',
        base,
        ops: [set('startAtMs', tastingStart + 24 * HOUR_MS), set('endAtMs', tastingStart + 26 * HOUR_MS)],
      },
    ]);
    expect(reply.response.results[0]?.status).toBe('applied');
    await emma.waitFor(conflictFrame('couple:c-emma-james', 'mt-emma-portraits', 0), 10_000, from);
    await emma.waitFor(conflictFrame('couple:c-emma-james', 'mt-emma-tasting', 0), 10_000, from);
    await olivia.waitFor(conflictFrame('supplier:feast', 'mt-emma-tasting', 0));
    const meetings = (await world.as('u-emma').get('/api/weddings/w-emma-james/meetings')).body.records;
    expect(meetings.every((m: { conflicts: unknown[] }) => m.conflicts.length === 0)).toBe(true);
  });
});
