import { describe, expect, test } from 'vitest';
import {
  bellFromRecord,
  bellReadMutation,
  bellRecordCommit,
  dueMeetingReminders,
  fieldIdOf,
  withUserTopicSync,
  withUserTopics,
} from '../src/index.ts';
import { ChangeLog, NOW_MS, seededModel } from './seeded-model.ts';

const HOUR = 3_600_000;

describe('R9.1 meeting reminders', () => {
  const start = NOW_MS + 10 * 86_400_000; // mt-emma-engagement: Sarah, Emma, James

  test('R9.1 one reminder per attendee once the lead time is reached, with a deterministic id', () => {
    const model = seededModel();
    const due = dueMeetingReminders(model.directory, { nowMs: start - 20 * 60_000 }).filter((n) =>
      n.id.startsWith('meeting_reminder:mt-emma-engagement:'),
    );
    expect(due.map((n) => n.userId).sort()).toEqual(['u-emma', 'u-james', 'u-sarah']);
    expect(due.find((n) => n.userId === 'u-sarah')).toMatchObject({
      id: `meeting_reminder:mt-emma-engagement:${start}:u-sarah`,
      trigger: 'meeting_reminder',
      importance: 'critical',
      title: 'Starting soon: Engagement shoot',
      body: '“Engagement shoot” starts at 12:00 UTC at Richmond Park (in 20 min)',
      link: '/supplier/calendar',
      createdAtMs: start - 30 * 60_000,
    });
    // Scanned again (another node, a later tick): the same ids, so the pump writes them once.
    const later = dueMeetingReminders(model.directory, { nowMs: start - 5 * 60_000 }).map((n) => n.id);
    expect(later).toEqual(expect.arrayContaining(due.map((n) => n.id)));
  });

  test('R9.1 none before the lead time, none once the meeting started, none for a cancelled meeting', () => {
    const model = seededModel();
    const ids = (nowMs: number) =>
      dueMeetingReminders(model.directory, { nowMs }).filter((n) => n.id.includes('mt-emma-engagement'));
    expect(ids(start - 31 * 60_000)).toEqual([]);
    expect(ids(start)).toEqual([]);
    new ChangeLog(model).write('u-sarah', 'meetings', 'mt-emma-engagement', { status: 'cancelled' });
    expect(ids(start - 10 * 60_000)).toEqual([]);
  });

  test('R9.1 a rescheduled meeting gets a reminder of its own; a removed attendee none', () => {
    const model = seededModel();
    const log = new ChangeLog(model);
    log.write(
      'u-sarah',
      'meetings',
      'mt-emma-engagement',
      { startAtMs: start + HOUR },
      {
        extraOps: [{ k: 'remove', f: fieldIdOf('meetings', 'attendees'), id: 'u-james' }],
      },
    );
    const due = dueMeetingReminders(model.directory, { nowMs: start + HOUR - 60_000, leadMs: 15 * 60_000 }).filter(
      (n) => n.id.includes('mt-emma-engagement'),
    );
    expect(due.map((n) => n.id).sort()).toEqual([
      `meeting_reminder:mt-emma-engagement:${start + HOUR}:u-emma`,
      `meeting_reminder:mt-emma-engagement:${start + HOUR}:u-sarah`,
    ]);
  });

  test('R9.1 R14.2 an attendee who may not see the meeting gets no reminder', () => {
    const model = seededModel();
    // Noah (Bloom) has no part in Emma & James's wedding, so Lens & Light's meeting is not his to see.
    new ChangeLog(model).write(
      'u-sarah',
      'meetings',
      'mt-emma-engagement',
      {},
      {
        extraOps: [{ k: 'add', f: fieldIdOf('meetings', 'attendees'), id: 'u-noah', v: { userId: 'u-noah' } }],
      },
    );
    expect(model.directory.records.get('meetings', 'mt-emma-engagement')?.fields.attendees).toHaveLength(4);
    const due = dueMeetingReminders(model.directory, { nowMs: start - 20 * 60_000 }).filter((n) =>
      n.id.includes('mt-emma-engagement'),
    );
    expect(due.map((n) => n.userId).sort()).toEqual(['u-emma', 'u-james', 'u-sarah']);
  });
});

describe('R5.3 per-user topics: only the owner joins, and may only mark read/unread or delete', () => {
  type Ctx = { user: { id: string }; topic: string };
  const base = {
    authorizeJoin: (_ctx: Ctx) => ({ ok: false as const, code: 'TOPIC_INVALID' as const, message: 'wedding hooks' }),
    authorizeMessage: (_ctx: Ctx) => true as const,
  };

  test('R5.3 R2.2 user:{id} is joinable by that user only; other topics go to the wedding rules', () => {
    const hooks = withUserTopics(base);
    expect(hooks.authorizeJoin({ user: { id: 'u-bob' }, topic: 'user:u-bob' })).toBe(true);
    expect(hooks.authorizeJoin({ user: { id: 'u-bob' }, topic: 'realtime:user:u-bob' })).toBe(true);
    expect(hooks.authorizeJoin({ user: { id: 'u-bob' }, topic: 'user:u-sarah' })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(hooks.authorizeMessage({ user: { id: 'u-bob' }, topic: 'user:u-sarah' })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(hooks.authorizeJoin({ user: { id: 'u-bob' }, topic: 'wedding:w1' })).toMatchObject({
      message: 'wedding hooks',
    });
  });

  test('R5.3 record sync of user:{id}: own scope, unprojected; writes limited to readAtMs and delete', async () => {
    const model = seededModel();
    const records = new Map([
      ['n1', { scope: 'user:u-bob' }],
      ['n2', { scope: 'user:u-sarah' }],
    ]);
    const hooks = withUserTopicSync(model.recordSyncHooks(), { getRecord: async (_c, id) => records.get(id) });
    const bob = { id: 's1', user: { id: 'u-bob' } };
    expect(hooks.scopesForTopic('user:u-bob')).toEqual(['user:u-bob']);
    expect(hooks.scopeForTopic('user:u-bob', bob)).toBe('user:u-bob');
    expect(hooks.audienceKey(bob, 'user:u-bob')).toBe('user:u-bob');
    const ctx = (topic: string, mutation: Parameters<typeof hooks.authorizeMutation>[0]['mutation']) => ({
      session: bob,
      topic,
      scope: 'user:u-bob',
      mutation,
    });
    expect(await hooks.authorizeMutation(ctx('user:u-bob', bellReadMutation('n1', 1, NOW_MS)))).toBeUndefined();
    expect(await hooks.authorizeMutation(ctx('user:u-bob', bellReadMutation('n1', 2, null)))).toBeUndefined();
    expect(
      await hooks.authorizeMutation(
        ctx('user:u-bob', { mid: 3, c: 'notifications', id: 'n1', base: 0, ops: [], del: true }),
      ),
    ).toBeUndefined();
    const title = { k: 'set' as const, f: fieldIdOf('notifications', 'title'), v: 'forged' };
    expect(
      await hooks.authorizeMutation(ctx('user:u-bob', { mid: 4, c: 'notifications', id: 'n1', base: 0, ops: [title] })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(await hooks.authorizeMutation(ctx('user:u-bob', bellReadMutation('n2', 5, NOW_MS)))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await hooks.authorizeMutation(ctx('user:u-bob', bellReadMutation('new', 6, NOW_MS)))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await hooks.authorizeMutation(ctx('user:u-sarah', bellReadMutation('n2', 7, NOW_MS)))).toMatchObject({
      code: 'FORBIDDEN',
    });
    const change = { scope: 'user:u-bob', seq: 1, c: 'notifications', id: 'n1', v: 1, ops: [], by: 'system', at: '' };
    expect(hooks.projectChange(change, bob, 'user:u-bob')).toBe(change);
    expect(hooks.projectChange({ ...change, scope: 'user:u-sarah' }, bob, 'user:u-bob')).toBeUndefined();
    // Wedding topics keep the wedding rules.
    expect(hooks.scopesForTopic('wedding:w-emma-james')).toEqual(['wedding:w-emma-james']);
  });

  test('R5.3 a bell record round-trips: created unread, read state by readAtMs', () => {
    const source = {
      id: 'form_submitted:9:u-bob',
      userId: 'u-bob',
      trigger: 'form_submitted' as const,
      importance: 'important' as const,
      title: 'Form submitted',
      body: 'Emma completed it',
      link: '/supplier',
      createdAtMs: NOW_MS,
    };
    const { scope, mutation } = bellRecordCommit(source);
    expect(scope).toBe('user:u-bob');
    expect(mutation).toMatchObject({ mid: 1, c: 'notifications', id: source.id, base: 0 });
    const fields = Object.fromEntries(mutation.ops.map((op) => [String(op.f), op.k === 'set' ? op.v : undefined]));
    expect(bellFromRecord({ id: source.id, fields })).toEqual({
      id: source.id,
      trigger: 'form_submitted',
      importance: 'important',
      title: 'Form submitted',
      body: 'Emma completed it',
      link: '/supplier',
      createdAtMs: NOW_MS,
      readAtMs: null,
    });
    expect(bellFromRecord({ id: source.id, fields, del: true })).toBeUndefined();
  });
});
