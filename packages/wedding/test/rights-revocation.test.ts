import { describe, expect, test } from 'vitest';
import { topicsWithChangedScopes } from '../src/index.ts';
import { ChangeLog, seededModel } from './seeded-model.ts';

describe('R2.2 losing a right ends the affected subscriptions at once', () => {
  test('R2.2 removing Bob from LensLight takes every LensLight, client, form and journey topic from him and nobody else', () => {
    const model = seededModel();
    const before = model.topicsForUser('u-bob').map((g) => g.topic);
    const { lost } = new ChangeLog(model).write('u-sarah', 'team_members', 'tm-lenslight-u-bob', {}, { del: true });
    expect(lost).toEqual([{ userId: 'u-bob', topics: before }]);
    expect(before).toContain('wedding:w-emma-james');
    expect(before).toContain('journey:j-lenslight-onboarding:c-priya-arjun');
    expect(model.topicsForUser('u-bob')).toEqual([]);
    expect(model.canJoin('u-bob', 'supplier:lenslight')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  test('R2.2 ending the Feast connection revokes the wedding for Feast and the Feast form for the couple', () => {
    const model = seededModel();
    const { lost } = new ChangeLog(model).write('u-emma', 'connections', 'conn-w-emma-james-feast', {
      status: 'ended',
    });
    expect(lost).toEqual([
      { userId: 'u-emma', topics: ['form:f-feast-menu'] },
      { userId: 'u-james', topics: ['form:f-feast-menu'] },
      { userId: 'u-olivia', topics: ['wedding:w-emma-james'] },
    ]);
    expect(model.canJoin('u-olivia', 'form:f-feast-menu').ok).toBe(true);
    expect(model.canJoin('u-olivia', 'wedding:w-emma-james')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  test('R2.2 R10.1 a role change to viewer applies to the next write at once, without losing the topic', () => {
    const model = seededModel();
    expect(model.canWrite('u-bob', 'wedding:w-emma-james')).toEqual({ ok: true });
    const { lost } = new ChangeLog(model).write('u-sarah', 'team_members', 'tm-lenslight-u-bob', { role: 'viewer' });
    expect(lost).toEqual([]);
    expect(model.canWrite('u-bob', 'wedding:w-emma-james')).toMatchObject({ ok: false, code: 'READ_ONLY' });
  });

  test('R2.2 a new connection grants the wedding to the whole team and loses nothing', () => {
    const model = seededModel();
    const log = new ChangeLog(model);
    const { lost } = log.write('u-priya', 'connections', 'conn-w-priya-arjun-feast', {
      weddingId: 'w-priya-arjun',
      supplierId: 'feast',
      status: 'active',
    });
    expect(lost).toEqual([]);
    expect(model.topicsForUser('u-olivia').map((g) => g.topic)).toContain('wedding:w-priya-arjun');
    expect(topicsWithChangedScopes(log.applied)).toEqual([
      'supplier:feast',
      'supplier:feast:clients',
      'supplier:feast:forms',
      'supplier:feast:journeys',
    ]);
    expect(model.recordSyncHooks().scopesForTopic('supplier:feast:clients')).toEqual([
      'wedding:w-emma-james',
      'wedding:w-priya-arjun',
    ]);
  });

  test('R2.2 ending a connection also hides the past: replayed wedding changes no longer reach that supplier', () => {
    const model = seededModel();
    const log = new ChangeLog(model);
    const { change } = log.write('u-james', 'weddings', 'w-emma-james', { guestCount: 151 });
    const session = { id: 's-olivia', user: { id: 'u-olivia' } };
    const hooks = model.recordSyncHooks();
    expect(hooks.projectChange(change, session, 'supplier:feast')).toBeDefined();
    log.write('u-emma', 'connections', 'conn-w-emma-james-feast', { status: 'ended' });
    expect(hooks.projectChange(change, session, 'supplier:feast')).toBeUndefined();
    expect(hooks.scopesForTopic('supplier:feast:clients')).toEqual([]);
  });
});
