import { describe, expect, test } from 'vitest';
import { fieldIdOf } from '../src/index.ts';
import { seededModel } from './seeded-model.ts';

const set = (c: string, field: string, v: unknown) => ({ k: 'set' as const, f: fieldIdOf(c, field), v });

describe('R2.2 R14.1 R14.2 write rules', () => {
  const model = seededModel();

  test('R14.2 core wedding fields are written by the couple only', () => {
    const m = { c: 'weddings', id: 'w-emma-james', ops: [set('weddings', 'guestCount', 160)] };
    expect(model.authorizeMutation('u-james', 'wedding:w-emma-james', m)).toMatchObject({
      ok: true,
      scope: 'wedding:w-emma-james',
    });
    expect(model.authorizeMutation('u-sarah', 'wedding:w-emma-james', m)).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(model.authorizeMutation('u-vera', 'wedding:w-emma-james', m)).toMatchObject({
      ok: false,
      code: 'READ_ONLY',
    });
  });

  test('R14.2 a supplier cannot write into another supplier’s thread of the same wedding', () => {
    const ops = [
      set('messages', 'weddingId', 'w-emma-james'),
      set('messages', 'supplierId', 'lenslight'),
      set('messages', 'body', 'hi'),
    ];
    expect(
      model.authorizeMutation('u-olivia', 'wedding:w-emma-james', { c: 'messages', id: 'msg-x', ops }),
    ).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    const own = [
      set('messages', 'weddingId', 'w-emma-james'),
      set('messages', 'supplierId', 'feast'),
      set('messages', 'body', 'hi'),
    ];
    expect(
      model.authorizeMutation('u-olivia', 'wedding:w-emma-james', { c: 'messages', id: 'msg-y', ops: own }),
    ).toMatchObject({ ok: true });
    const edit = { c: 'messages', id: 'msg-emma-lenslight-1', ops: [set('messages', 'readAtMs', 1)] };
    expect(model.authorizeMutation('u-olivia', 'wedding:w-emma-james', edit)).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
  });

  test('R2.2 only the couple connects a supplier; a team cannot attach itself to a wedding', () => {
    const ops = [
      set('connections', 'weddingId', 'w-emma-james'),
      set('connections', 'supplierId', 'bloom'),
      set('connections', 'status', 'active'),
    ];
    const m = { c: 'connections', id: 'conn-w-emma-james-bloom', ops };
    expect(model.authorizeMutation('u-noah', 'wedding:w-emma-james', m)).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(model.authorizeMutation('u-emma', 'couple:c-emma-james:suppliers', m)).toMatchObject({ ok: true });
  });

  test('R2.2 owner fields of a record cannot be changed to move it elsewhere', () => {
    const m = { c: 'tasks', id: 'task-emma-guestlist', ops: [set('tasks', 'supplierId', 'lenslight')] };
    expect(model.authorizeMutation('u-emma', 'couple:c-emma-james:tasks', m)).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
  });

  test('R2.2 only the owning team assigns its form, and couples answer only their own assignment', () => {
    const assign = [
      set('form_assignments', 'formId', 'f-feast-menu'),
      set('form_assignments', 'supplierId', 'feast'),
      set('form_assignments', 'weddingId', 'w-emma-james'),
    ];
    expect(
      model.authorizeMutation('u-emma', 'wedding:w-emma-james', { c: 'form_assignments', id: 'a-x', ops: assign }),
    ).toMatchObject({ ok: false });
    expect(
      model.authorizeMutation('u-olivia', 'wedding:w-emma-james', { c: 'form_assignments', id: 'a-x', ops: assign }),
    ).toMatchObject({ ok: true });
    const answer = [
      set('form_answers', 'assignmentId', 'a-priya-flowers'),
      set('form_answers', 'weddingId', 'w-priya-arjun'),
      set('form_answers', 'formFieldId', 'b2'),
    ];
    expect(
      model.authorizeMutation('u-priya', 'form:f-bloom-flowers', {
        c: 'form_answers',
        id: 'a-priya-flowers.b2',
        ops: answer,
      }),
    ).toMatchObject({ ok: true, scope: 'wedding:w-priya-arjun' });
    expect(
      model.authorizeMutation('u-emma', 'form:f-bloom-flowers', {
        c: 'form_answers',
        id: 'a-priya-flowers.b2',
        ops: answer,
      }),
    ).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  test('R2.2 team management needs an owner or admin; server-written collections are refused', () => {
    const m = { c: 'team_members', id: 'tm-lenslight-u-bob', ops: [set('team_members', 'role', 'admin')] };
    expect(model.authorizeMutation('u-bob', 'supplier:lenslight:team', m)).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(model.authorizeMutation('u-sarah', 'supplier:lenslight:team', m)).toMatchObject({
      ok: true,
      scope: 'supplier:lenslight',
    });
    const activity = { c: 'activity', id: 'act-x', ops: [set('activity', 'verb', 'message_sent')] };
    expect(model.authorizeMutation('u-sarah', 'supplier:lenslight', activity)).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
  });

  test('R14.1 unknown collections and fields get their own codes', () => {
    expect(model.canWrite('u-emma', 'wedding:w-emma-james', 'nope')).toMatchObject({
      ok: false,
      code: 'UNKNOWN_COLLECTION',
    });
    expect(model.canWrite('u-emma', 'wedding:w-emma-james', 'weddings', [999])).toMatchObject({
      ok: false,
      code: 'UNKNOWN_FIELD',
    });
    expect(model.canJoin('u-emma', 'wedding:')).toMatchObject({ ok: false, code: 'TOPIC_INVALID' });
  });

  test('R2.2 the record-sync hooks refuse a record written through a topic of another scope, naming the scope', () => {
    const hooks = model.recordSyncHooks();
    const session = { id: 's', user: { id: 'u-sarah' } };
    const mutation = { mid: 1, c: 'tasks', id: 'task-emma-guestlist', base: 1, ops: [set('tasks', 'title', 'x')] };
    const scope = hooks.scopeForTopic('supplier:lenslight:clients', session);
    expect(scope).toBe('supplier:lenslight');
    const own = { ...mutation, id: 'note-emma-shotlist', c: 'notes', ops: [set('notes', 'title', 'Shots')] };
    expect(hooks.authorizeMutation({ session, topic: 'supplier:lenslight', scope, mutation: own })).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('wedding:w-emma-james'),
    });
    const weddingScope = hooks.scopeForTopic('wedding:w-emma-james', session);
    expect(
      hooks.authorizeMutation({ session, topic: 'wedding:w-emma-james', scope: weddingScope, mutation: own }),
    ).toBeUndefined();
    expect(hooks.scopeForTopic('form:f-lenslight-questionnaire', { id: 'e', user: { id: 'u-emma' } })).toBe(
      'wedding:w-emma-james',
    );
    expect(hooks.scopeForTopic('form:f-lenslight-questionnaire', session)).toBe('supplier:lenslight');
  });
});
