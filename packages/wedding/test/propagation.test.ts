import { describe, expect, test } from 'vitest';
import { fieldIdOf, type PropagationEvent, sharingId } from '../src/index.ts';
import { ChangeLog, seededModel } from './seeded-model.ts';

const WEDDING = 'w-emma-james';
const who = (event: PropagationEvent) => (event.audience.kind === 'team' ? event.audience.supplierId : 'couple');

describe('R3.1 R3.2 core-field propagation', () => {
  test('R3.2 a guest-count change notifies the caterer and the venue, not the photographer', () => {
    const model = seededModel();
    const { applied } = new ChangeLog(model).write('u-james', 'weddings', WEDDING, { guestCount: 170 });
    const events = model.propagate(applied!);
    const notified = events.filter((e) => e.kind === 'guest_count_changed');
    expect(notified.map(who).sort()).toEqual(['feast', 'oakwood']);
    expect(notified[0]).toMatchObject({ from: 150, to: 170, by: 'u-james', weddingId: WEDDING });
    const changed = events
      .filter((e) => e.kind === 'core_field_changed')
      .map(who)
      .sort();
    expect(changed).toEqual(['couple', 'feast', 'lenslight', 'oakwood']);
  });

  test('R3.1 every form field bound to the guest count shows the new value, per permitted supplier', () => {
    const model = seededModel();
    const { applied } = new ChangeLog(model).write('u-james', 'weddings', WEDDING, { guestCount: 170 });
    const bound = model.propagate(applied!).filter((e) => e.kind === 'bound_form_field');
    const forTeams = bound.filter((e) => e.audience.kind === 'team');
    const rows = forTeams.map((e) => [who(e), e.formId, e.assignmentId, e.formFieldId, e.value]);
    expect(rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ['feast', 'f-feast-menu', 'a-emma-menu', 'm1', 170],
      ['lenslight', 'f-lenslight-questionnaire', 'a-emma-questionnaire', 'q5', 170],
    ]);
    expect(bound.filter((e) => e.audience.kind === 'couple')).toHaveLength(2);
  });

  test('R3.2 a timeline change notifies every vendor of the wedding', () => {
    const model = seededModel();
    const timeline = fieldIdOf('weddings', 'timeline');
    const { applied } = new ChangeLog(model).write(
      'u-emma',
      'weddings',
      WEDDING,
      {},
      {
        extraOps: [{ k: 'add', f: timeline, id: 'tl-9', v: { time: '23:00', title: 'Sparkler exit' } }],
      },
    );
    const events = model.propagate(applied!).filter((e) => e.kind === 'timeline_changed');
    expect(events.map(who).sort()).toEqual(['feast', 'lenslight', 'oakwood']);
    const last = events[0]?.kind === 'timeline_changed' ? events[0].items.at(-1) : undefined;
    expect(last).toEqual({ id: 'tl-9', v: { time: '23:00', title: 'Sparkler exit' } });
  });

  test('R3.1 R14.2 a supplier the field is not shared with gets no event at all; a disconnected one neither', () => {
    const model = seededModel();
    const log = new ChangeLog(model);
    log.write('u-emma', 'sharing', sharingId(WEDDING, 'feast'), { guestCount: false });
    log.write('u-emma', 'connections', `conn-${WEDDING}-oakwood`, { status: 'ended' });
    const { applied } = log.write('u-james', 'weddings', WEDDING, { guestCount: 90 });
    const events = model.propagate(applied!);
    expect(events.filter((e) => who(e) === 'feast' || who(e) === 'oakwood')).toEqual([]);
    expect(events.some((e) => who(e) === 'lenslight' && e.kind === 'bound_form_field')).toBe(true);
  });

  test('R3.1 a change to something other than a core field raises nothing', () => {
    const model = seededModel();
    const { applied } = new ChangeLog(model).write('u-emma', 'weddings', WEDDING, { title: 'E & J' });
    expect(model.propagate(applied!)).toEqual([]);
  });
});
