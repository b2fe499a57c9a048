import type { LockStatePayload } from '@wedsync/protocol';
import { beforeAll, describe, expect, test } from 'vitest';
import { answerId, fieldIdOf, SEED_FORMS, sharingId, type WeddingModel } from '../src/index.ts';
import { ChangeLog, seededModel } from './seeded-model.ts';

const WEDDING = 'w-emma-james';
const SCOPE = `wedding:${WEDDING}`;
const session = (userId: string) => ({ id: `s-${userId}`, user: { id: userId } });
const emma = session('u-emma');
const sarah = session('u-sarah');
const olivia = session('u-olivia');
const BOB_ANONYMOUS = { userId: 'anon:u-bob', name: 'A team member' };
const NOTE_TITLE = fieldIdOf('notes', 'title');

const lock = (c: string, id: string, f: number | undefined, holder: LockStatePayload['holder']) => ({
  scope: SCOPE,
  c,
  id,
  ...(f === undefined ? {} : { f }),
  holder,
  expiresAt: '2026-01-15T12:00:30.000Z',
});

/**
 * R14.2 / R4.1: lock notices are projected per audience like changes. Bob (LensLight) edits a note of
 * Emma's wedding in anonymous mode, so his lock is held as `anon:u-bob`: the couple sees "A team
 * member" with an opaque id, his team sees Bob, and another supplier hears nothing of the lock.
 */
describe('R14.2 lock projection (projectLockState)', () => {
  let model: WeddingModel;
  beforeAll(() => {
    model = seededModel();
  });
  const project = (state: ReturnType<typeof lock>, who: ReturnType<typeof session>, topic: string) =>
    model.recordSyncHooks().projectLockState(state, who, topic);

  test('R14.2 an anonymous holder is "A team member" (id `anonymous`) to the couple and Bob to his team', () => {
    const held = lock('notes', 'note-emma-shotlist', NOTE_TITLE, BOB_ANONYMOUS);
    for (const topic of [SCOPE, 'couple:c-emma-james']) {
      expect(project(held, emma, topic)?.holder).toEqual({ userId: 'anonymous', name: 'A team member' });
    }
    for (const topic of [SCOPE, 'supplier:lenslight']) {
      expect(project(held, sarah, topic)).toEqual({
        c: 'notes',
        id: 'note-emma-shotlist',
        f: NOTE_TITLE,
        holder: { userId: 'u-bob', name: model.directory.displayName('u-bob') },
        expiresAt: held.expiresAt,
      });
    }
    expect(model.directory.displayName('u-bob')).toMatch(/^Bob/);
    const named = lock('notes', 'note-emma-shotlist', NOTE_TITLE, { userId: 'u-sarah', name: 'Sarah' });
    expect(project(named, emma, SCOPE)?.holder).toEqual({ userId: 'u-sarah', name: 'Sarah' });
    expect(project({ ...held, holder: null }, emma, SCOPE)?.holder).toBeNull();
  });

  test('R14.2 another supplier hears nothing of a lock on a record it may not see, held or freed', () => {
    const held = lock('notes', 'note-emma-shotlist', NOTE_TITLE, BOB_ANONYMOUS);
    for (const topic of [SCOPE, 'supplier:feast', 'supplier:feast:clients']) {
      expect(project(held, olivia, topic)).toBeUndefined();
      expect(project({ ...held, holder: null }, olivia, topic)).toBeUndefined();
    }
    expect(project(held, session('u-noah'), SCOPE)).toBeUndefined();
  });

  test('R14.2 a lock on a field or answer hidden from a supplier is hidden with it', () => {
    const log = new ChangeLog(model);
    log.write('u-emma', 'sharing', sharingId(WEDDING, 'feast'), { guestCount: false });
    const guestCount = lock('weddings', WEDDING, fieldIdOf('weddings', 'guestCount'), {
      userId: 'u-emma',
      name: 'Emma',
    });
    expect(project(guestCount, olivia, SCOPE)).toBeUndefined();
    expect(project(guestCount, sarah, SCOPE)?.holder).toEqual({ userId: 'u-emma', name: 'Emma' });
    expect(project({ ...guestCount, f: fieldIdOf('weddings', 'venue') }, olivia, SCOPE)).toBeDefined();
    const answer = lock('form_answers', answerId('a-emma-menu', 'm1'), fieldIdOf('form_answers', 'value'), {
      userId: 'u-emma',
      name: 'Emma',
    });
    expect(project(answer, olivia, `form:${SEED_FORMS.menu}`)).toBeUndefined();
    expect(project(answer, emma, `form:${SEED_FORMS.menu}`)).toBeDefined();
    log.write('u-emma', 'sharing', sharingId(WEDDING, 'feast'), { guestCount: true });
    expect(project(answer, olivia, `form:${SEED_FORMS.menu}`)).toBeDefined();
  });

  test('R14.2 a lock on a record not written yet reaches the holder’s own audience only (until it exists)', () => {
    const fresh = lock('tasks', 'task-not-yet-written', fieldIdOf('tasks', 'title'), BOB_ANONYMOUS);
    expect(project(fresh, sarah, SCOPE)?.holder).toMatchObject({ userId: 'u-bob' });
    expect(project(fresh, olivia, SCOPE)).toBeUndefined();
    expect(project(fresh, emma, SCOPE)?.holder).toEqual({ userId: 'anonymous', name: 'A team member' });
  });
});
