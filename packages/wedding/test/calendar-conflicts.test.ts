import { CALENDAR_CONFLICT_EVENT, type CalendarConflictPayload, type FieldOp } from '@wedsync/protocol';
import { describe, expect, test } from 'vitest';
import {
  conflictsForAudience,
  DAY_MS,
  deliverConflictNotices,
  fieldIdOf,
  type LocalDelivery,
  meetingConflicts,
  meetingsWithChangedConflicts,
} from '../src/index.ts';
import { ChangeLog, EMMA_COUPLE, NOW_MS, seededModel, team } from './seeded-model.ts';

const HOUR_MS = 3_600_000;
const TASTING_START = NOW_MS + 5 * DAY_MS;
const attendees = (...userIds: string[]): FieldOp[] =>
  userIds.map((userId) => ({ k: 'add', f: fieldIdOf('meetings', 'attendees'), id: userId, v: { userId } }));

/** This node's members per topic; records what each would be sent. */
class FakeNode implements LocalDelivery {
  readonly frames: { topic: string; userId: string; event: string; payload: CalendarConflictPayload }[] = [];
  constructor(private readonly members: Record<string, string[]>) {}
  deliverLocal(topic: string, event: string, payloadFor: (session: { user: { id: string } }) => unknown): number {
    let count = 0;
    for (const userId of this.members[topic] ?? []) {
      const payload = payloadFor({ user: { id: userId } });
      if (payload === undefined) continue;
      this.frames.push({ topic, userId, event, payload: payload as CalendarConflictPayload });
      count++;
    }
    return count;
  }
}

function world() {
  const model = seededModel();
  const log = new ChangeLog(model);
  const bookPortraits = (startAtMs: number) =>
    log.write(
      'u-sarah',
      'meetings',
      'mt-emma-portraits',
      {
        weddingId: EMMA_COUPLE.weddingId,
        supplierId: 'lenslight',
        title: 'Portrait session',
        startAtMs,
        endAtMs: startAtMs + 2 * HOUR_MS,
        status: 'scheduled',
        location: 'Kew Gardens',
      },
      { extraOps: attendees('u-sarah', 'u-emma') },
    );
  return { model, log, bookPortraits };
}

describe('R9.2 double bookings are detected and warned per audience', () => {
  test('R9.2 the seeded calendar has no double booking', () => {
    const { model } = world();
    for (const id of ['mt-emma-engagement', 'mt-emma-tasting', 'mt-priya-consult']) {
      expect(meetingConflicts(model.directory, id)).toEqual([]);
    }
  });

  test('R9.2 booking Emma over the Feast tasting conflicts both meetings; each side sees only what it may', () => {
    const { model, bookPortraits } = world();
    const { applied } = bookPortraits(TASTING_START + HOUR_MS);
    expect(meetingsWithChangedConflicts(model.directory, applied!).sort()).toEqual([
      'mt-emma-portraits',
      'mt-emma-tasting',
    ]);
    const overlap = { startAtMs: TASTING_START + HOUR_MS, endAtMs: TASTING_START + 2 * HOUR_MS };
    expect(conflictsForAudience(model.directory, 'mt-emma-portraits', EMMA_COUPLE)).toEqual([
      {
        userId: 'u-emma',
        name: 'Emma Wilson',
        ...overlap,
        otherMeeting: {
          id: 'mt-emma-tasting',
          title: 'Menu tasting',
          startAtMs: TASTING_START,
          endAtMs: TASTING_START + 2 * HOUR_MS,
        },
      },
    ]);
    // LensLight learns Emma is busy then, nothing about Feast's meeting; Feast likewise.
    expect(conflictsForAudience(model.directory, 'mt-emma-portraits', team('lenslight'))).toEqual([
      { userId: 'u-emma', name: 'Emma Wilson', ...overlap },
    ]);
    expect(conflictsForAudience(model.directory, 'mt-emma-tasting', team('feast'))).toEqual([
      { userId: 'u-emma', name: 'Emma Wilson', ...overlap },
    ]);
    expect(conflictsForAudience(model.directory, 'mt-emma-portraits', team('feast'))).toBeUndefined();
    expect(conflictsForAudience(model.directory, 'mt-emma-tasting', team('bloom'))).toBeUndefined();
  });

  test('R9.2 R14.2 the warning is pushed at once to every local member who may see the meeting, projected per audience', () => {
    const { model, bookPortraits } = world();
    const { applied } = bookPortraits(TASTING_START + HOUR_MS);
    const node = new FakeNode({
      'wedding:w-emma-james': ['u-emma', 'u-sarah', 'u-olivia'],
      'couple:c-emma-james': ['u-emma', 'u-james'],
      'supplier:lenslight': ['u-sarah', 'u-bob'],
      'supplier:feast': ['u-olivia'],
      'supplier:bloom': ['u-noah'],
      'wedding:w-priya-arjun': ['u-noah', 'u-priya'],
    });
    deliverConflictNotices(node, model.directory, meetingsWithChangedConflicts(model.directory, applied!));
    expect(node.frames.every((frame) => frame.event === CALENDAR_CONFLICT_EVENT)).toBe(true);
    const got = (userId: string) =>
      node.frames.filter((f) => f.userId === userId).map((f) => `${f.topic}/${f.payload.meetingId}`);
    expect(got('u-noah')).toEqual([]);
    expect(got('u-priya')).toEqual([]);
    expect(got('u-olivia').sort()).toEqual(['supplier:feast/mt-emma-tasting', 'wedding:w-emma-james/mt-emma-tasting']);
    expect(got('u-bob')).toEqual(['supplier:lenslight/mt-emma-portraits']);
    expect(got('u-james').sort()).toEqual([
      'couple:c-emma-james/mt-emma-portraits',
      'couple:c-emma-james/mt-emma-tasting',
    ]);
    for (const frame of node.frames.filter((f) => f.userId === 'u-olivia')) {
      expect(JSON.stringify(frame.payload)).not.toMatch(/portrait|lenslight|Kew/i);
    }
    for (const frame of node.frames.filter((f) => f.userId === 'u-sarah' || f.userId === 'u-bob')) {
      expect(JSON.stringify(frame.payload)).not.toMatch(/tasting|feast/i);
    }
    // One audience, one payload object (serialised once by the engine).
    const lenslight = node.frames.filter((f) => f.topic === 'supplier:lenslight').map((f) => f.payload);
    expect(lenslight[0]).toBe(lenslight[1]);
  });

  test('R9.1 R9.2 rescheduling away or cancelling clears the warning on both meetings', () => {
    const { model, log, bookPortraits } = world();
    bookPortraits(TASTING_START + HOUR_MS);
    const moved = log.write('u-sarah', 'meetings', 'mt-emma-portraits', {
      startAtMs: TASTING_START + DAY_MS,
      endAtMs: TASTING_START + DAY_MS + HOUR_MS,
    });
    expect(meetingsWithChangedConflicts(model.directory, moved.applied!).sort()).toEqual([
      'mt-emma-portraits',
      'mt-emma-tasting',
    ]);
    const node = new FakeNode({ 'couple:c-emma-james': ['u-emma'] });
    deliverConflictNotices(node, model.directory, meetingsWithChangedConflicts(model.directory, moved.applied!));
    expect(node.frames.map((f) => f.payload.conflicts)).toEqual([[], []]);

    log.write('u-sarah', 'meetings', 'mt-emma-portraits', {
      startAtMs: TASTING_START,
      endAtMs: TASTING_START + HOUR_MS,
    });
    expect(meetingConflicts(model.directory, 'mt-emma-tasting')).toHaveLength(1);
    const cancelled = log.write('u-sarah', 'meetings', 'mt-emma-portraits', { status: 'cancelled' });
    expect(meetingsWithChangedConflicts(model.directory, cancelled.applied!).sort()).toEqual([
      'mt-emma-portraits',
      'mt-emma-tasting',
    ]);
    expect(meetingConflicts(model.directory, 'mt-emma-tasting')).toEqual([]);
    // An ordinary edit without conflicts before or after sends nothing.
    const retitled = log.write('u-olivia', 'meetings', 'mt-emma-tasting', { title: 'Menu tasting (final)' });
    expect(meetingsWithChangedConflicts(model.directory, retitled.applied!)).toEqual([]);
  });

  test('R9.2 a team member double-booked inside the team sees both meetings in full', () => {
    const { model, log } = world();
    log.write(
      'u-sarah',
      'meetings',
      'mt-lenslight-edit',
      {
        supplierId: 'lenslight',
        teamOnly: true,
        title: 'Editing day',
        startAtMs: NOW_MS + 10 * DAY_MS + HOUR_MS,
        endAtMs: NOW_MS + 10 * DAY_MS + 5 * HOUR_MS,
        status: 'scheduled',
      },
      { extraOps: attendees('u-sarah') },
    );
    expect(conflictsForAudience(model.directory, 'mt-lenslight-edit', team('lenslight'))).toMatchObject([
      { userId: 'u-sarah', otherMeeting: { id: 'mt-emma-engagement', title: 'Engagement shoot' } },
    ]);
    expect(conflictsForAudience(model.directory, 'mt-lenslight-edit', EMMA_COUPLE)).toBeUndefined();
    expect(conflictsForAudience(model.directory, 'mt-emma-engagement', EMMA_COUPLE)).toEqual([
      expect.objectContaining({ userId: 'u-sarah', name: 'Sarah Bennett' }),
    ]);
    expect(JSON.stringify(conflictsForAudience(model.directory, 'mt-emma-engagement', EMMA_COUPLE))).not.toContain(
      'Editing',
    );
  });
});
