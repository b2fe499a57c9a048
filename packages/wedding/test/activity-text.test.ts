import { describe, expect, test } from 'vitest';
import { activityFromRecord, seedChanges } from '../src/index.ts';
import { ChangeLog, EMMA_COUPLE, NOW_MS, PRIYA_COUPLE, seededModel, team } from './seeded-model.ts';

describe('R6.1 activity feed text', () => {
  test('R6.1 the seeded week reads as people would say it, newest first', () => {
    const model = seededModel();
    const oakwood = model.activityFeed(team('oakwood'), { nowMs: NOW_MS }).map((item) => item.text);
    expect(oakwood.slice(0, 3)).toEqual([
      'Emma just completed the timeline form',
      'Emma started filling the timeline form',
      'James updated the guest count to 150',
    ]);
    const couple = model.activityFeed(EMMA_COUPLE, { nowMs: NOW_MS }).map((item) => item.text);
    expect(couple).toContain('Payment of £500.00 received');
    expect(couple).toContain('Sarah added a note “Shot list ideas”');
    expect(couple).toContain('Client onboarding moved to the stage “Planning”');
  });

  test('R6.1 "just" fades: ten minutes later the same event reads "completed"', () => {
    const model = seededModel();
    const later = model.activityFeed(team('oakwood'), { nowMs: NOW_MS + 10 * 60_000 }).map((item) => item.text);
    expect(later[0]).toBe('Emma completed the timeline form');
  });

  test('R6.1 each new change is described: dates, venues, payments, journey stages, meetings', () => {
    const model = seededModel();
    const log = new ChangeLog(model);
    const text = (audience: Parameters<typeof model.activityText>[1], ...writes: Parameters<ChangeLog['write']>) => {
      const { applied } = log.write(...writes);
      return model.describe(applied!).map((event) => model.activityText(event, audience, NOW_MS));
    };
    expect(text(EMMA_COUPLE, 'u-emma', 'weddings', 'w-emma-james', { date: '2026-08-01' })).toEqual([
      'Emma changed the wedding date to 1 August 2026',
    ]);
    expect(text(team('bloom'), 'u-arjun', 'weddings', 'w-priya-arjun', { venue: 'Kew Gardens' })).toEqual([
      'Arjun changed the venue to Kew Gardens',
    ]);
    expect(
      text(team('bloom'), 'u-priya', 'payments', 'p-priya-bloom-2', {
        weddingId: 'w-priya-arjun',
        supplierId: 'bloom',
        amountCents: 12_345,
        currency: 'GBP',
        status: 'paid',
      }),
    ).toEqual(['Payment of £123.45 received']);
    expect(
      text(PRIYA_COUPLE, 'system', 'journey_runs', 'j-lenslight-onboarding.c-priya-arjun', { stageIndex: 2 }),
    ).toEqual(['Client onboarding moved to the stage “Pre-wedding”']);
    expect(text(EMMA_COUPLE, 'u-olivia', 'meetings', 'mt-emma-tasting', { status: 'cancelled' })).toEqual([
      'Olivia cancelled “Menu tasting”',
    ]);
    expect(text(EMMA_COUPLE, 'u-emma', 'tasks', 'task-emma-cake', { status: 'done' })).toEqual([
      'Emma just completed the task “Book the cake tasting”',
    ]);
    expect(
      text(team('feast'), 'u-emma', 'form_assignments', 'a-emma-menu', { status: 'submitted', submittedAtMs: NOW_MS }),
    ).toEqual(['Emma just completed the menu & dietary form']);
  });

  test('R6.1 R14.2 suppliers never read another supplier’s activity or a couple-only event', () => {
    const model = seededModel();
    const feastFeed = model
      .activityFeed(team('feast'), { nowMs: NOW_MS, limit: 1_000 })
      .map((item) => item.text)
      .join('\n');
    expect(feastFeed).not.toMatch(/Sarah|Liam|photography|timeline form|cake tasting|£500/);
    const cakeTask = model
      .activityFeed(EMMA_COUPLE, { nowMs: NOW_MS, limit: 1_000 })
      .find((item) => item.text.includes('cake'));
    expect(cakeTask).toBeDefined();
    expect(model.activityText(cakeTask!.event, team('lenslight'), NOW_MS)).toBeUndefined();
  });

  test('R6.1 activity records are derived deterministically from the change log (same ids twice)', () => {
    const first = seedChanges(NOW_MS).filter((c) => c.c === 'activity');
    const second = seedChanges(NOW_MS).filter((c) => c.c === 'activity');
    expect(first.length).toBeGreaterThan(20);
    expect(second).toEqual(first);
    const model = seededModel();
    expect(model.directory.records.all('activity').every((r) => activityFromRecord(r) !== undefined)).toBe(true);
  });
});
