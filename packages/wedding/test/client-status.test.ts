import { describe, expect, test } from 'vitest';
import { fieldIdOf } from '../src/index.ts';
import { ChangeLog, NOW_MS, seededModel } from './seeded-model.ts';

const nobody = new Set<string>();

describe('R7.1 client status and R3.4 form completion', () => {
  test('R7.1 R3.4 Feast sees Emma & James filling its menu form, with one unread message', () => {
    const model = seededModel();
    const [status] = model.clientStatuses('feast', { nowMs: NOW_MS, onlineUserIds: nobody });
    expect(status).toMatchObject({
      weddingId: 'w-emma-james',
      coupleId: 'c-emma-james',
      online: false,
      recentlyActive: true,
      inactive: false,
      fillingForm: { assignmentId: 'a-emma-menu', formId: 'f-feast-menu', formTitle: 'Menu & dietary form' },
      unreadMessages: 1,
      lastActiveMs: NOW_MS - 2 * 60_000,
    });
    const oakwood = model.clientStatuses('oakwood', { nowMs: NOW_MS, onlineUserIds: nobody })[0];
    expect(oakwood).toMatchObject({ fillingForm: null, unreadMessages: 0 });
  });

  test('R7.1 "currently filling" ends when no answer was saved for ten minutes', () => {
    const model = seededModel();
    const later = model.clientStatuses('feast', { nowMs: NOW_MS + 11 * 60_000, onlineUserIds: nobody })[0];
    expect(later?.fillingForm).toBeNull();
  });

  test('R7.1 R14.2 online comes from presence, unless the person switched presence off', () => {
    const model = seededModel();
    const online = new Set(['u-james']);
    expect(model.clientStatuses('feast', { nowMs: NOW_MS, onlineUserIds: online })[0]?.online).toBe(true);
    new ChangeLog(model).write('system', 'users', 'u-james', { presenceVisible: false });
    expect(model.presenceVisible('u-james')).toBe(false);
    expect(model.clientStatuses('feast', { nowMs: NOW_MS, onlineUserIds: online })[0]?.online).toBe(false);
  });

  test('R7.1 recently active within 24 hours, inactive after 7 days without activity', () => {
    const model = seededModel();
    const inAWeek = model.clientStatuses('feast', { nowMs: NOW_MS + 8 * 86_400_000, onlineUserIds: nobody })[0];
    expect(inAWeek).toMatchObject({ recentlyActive: false, inactive: true });
    const tomorrow = model.clientStatuses('feast', { nowMs: NOW_MS + 2 * 86_400_000, onlineUserIds: nobody })[0];
    expect(tomorrow).toMatchObject({ recentlyActive: false, inactive: false });
  });

  test('R7.2 active clients come first: an online client tops the list', () => {
    const model = seededModel();
    const order = (online: Set<string>) =>
      model.clientStatuses('lenslight', { nowMs: NOW_MS, onlineUserIds: online }).map((s) => s.weddingId);
    expect(order(nobody)).toEqual(['w-emma-james', 'w-priya-arjun']);
    expect(order(new Set(['u-arjun']))).toEqual(['w-priya-arjun', 'w-emma-james']);
  });

  test('R3.4 completion percentage follows answers, including long text typed and erased', () => {
    const model = seededModel();
    expect(model.formCompletion('a-emma-menu')).toEqual({ answered: 2, total: 4, percent: 50, missingRequired: [] });
    expect(model.formCompletion('a-emma-questionnaire')).toMatchObject({ answered: 2, total: 5, percent: 40 });
    expect(model.formCompletion('a-emma-timeline')).toMatchObject({ percent: 50 });
    expect(model.formCompletion('a-priya-questionnaire')).toMatchObject({ percent: 0, missingRequired: ['q3'] });
    const log = new ChangeLog(model);
    const longText = fieldIdOf('form_answers', 'longText');
    const fields = { assignmentId: 'a-emma-menu', weddingId: 'w-emma-james', formFieldId: 'm3' };
    log.write('u-emma', 'form_answers', 'a-emma-menu.m3', fields, {
      extraOps: [{ k: 'text', f: longText, op: ['Vegan ×12'] }],
    });
    expect(model.formCompletion('a-emma-menu').percent).toBe(75);
    log.write(
      'u-emma',
      'form_answers',
      'a-emma-menu.m3',
      {},
      { extraOps: [{ k: 'text', f: longText, op: [{ d: 9 }] }] },
    );
    expect(model.formCompletion('a-emma-menu').percent).toBe(50);
  });
});
