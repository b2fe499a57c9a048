import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SupplierMetrics } from '../src/index.ts';
import { ChangeLog, NOW_MS, seededModel } from './seeded-model.ts';

const HOUR_MS = 3_600_000;

describe('R6.2 live supplier metrics, maintained incrementally', () => {
  test('R6.2 the seeded figures', () => {
    const model = seededModel();
    expect(model.metricsFor('lenslight', NOW_MS)).toMatchObject({
      activeClients: 2,
      formsCompletedToday: 0,
      revenueCents: { GBP: 50_000 },
      averageResponseTimeMs: 2 * HOUR_MS,
    });
    expect(model.metricsFor('oakwood', NOW_MS)).toMatchObject({
      activeClients: 1,
      formsCompletedToday: 1,
      revenueCents: {},
    });
    expect(model.metricsFor('feast', NOW_MS)).toMatchObject({ revenueCents: {}, averageResponseTimeMs: null });
    expect(model.metricsFor('bloom', NOW_MS)).toMatchObject({
      revenueCents: { GBP: 30_000 },
      averageResponseTimeMs: HOUR_MS,
    });
    expect(model.metricsFor('lenslight', NOW_MS).teamActivityToday).toBeGreaterThan(0);
  });

  test('R6.2 each change moves only its figures, and listeners hear which supplier changed', () => {
    const model = seededModel();
    const log = new ChangeLog(model);
    const heard: string[] = [];
    model.metrics.onChange((supplierId) => heard.push(supplierId));
    log.write('u-emma', 'payments', 'p-emma-feast-deposit', { status: 'paid' });
    expect(model.metricsFor('feast', NOW_MS).revenueCents).toEqual({ GBP: 120_000 });
    log.write('u-olivia', 'payments', 'p-emma-feast-deposit', { status: 'refunded' });
    expect(model.metricsFor('feast', NOW_MS).revenueCents).toEqual({});
    log.write('u-olivia', 'messages', 'msg-emma-feast-2', {
      weddingId: 'w-emma-james',
      supplierId: 'feast',
      senderId: 'u-olivia',
      fromCouple: false,
      body: 'Yes — a vegan menu for 12 is no problem.',
      sentAtMs: NOW_MS,
    });
    expect(model.metricsFor('feast', NOW_MS).averageResponseTimeMs).toBe(24 * HOUR_MS);
    const before = model.metricsFor('feast', NOW_MS).teamActivityToday;
    log.write('u-emma', 'form_assignments', 'a-emma-menu', { status: 'submitted', submittedAtMs: NOW_MS });
    expect(model.metricsFor('feast', NOW_MS)).toMatchObject({ formsCompletedToday: 1, teamActivityToday: before });
    expect(model.metricsFor('feast', NOW_MS + 86_400_000).formsCompletedToday).toBe(0);
    log.write('u-emma', 'connections', 'conn-w-emma-james-feast', { status: 'ended' });
    expect(model.metricsFor('feast', NOW_MS).activeClients).toBe(0);
    expect(heard).toContain('feast');
    expect(heard).not.toContain('bloom');
  });

  test('R6.2 incremental figures always equal a full recomputation (property, random change sequences)', () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647);
    console.log(`R6.2 metrics property: fast-check seed ${seed}`);
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('message' as const),
        supplier: fc.constantFrom('lenslight', 'feast'),
        fromCouple: fc.boolean(),
        gapMs: fc.integer({ min: 1, max: 5 * HOUR_MS }),
      }),
      fc.record({
        kind: fc.constant('payment' as const),
        supplier: fc.constantFrom('lenslight', 'feast'),
        n: fc.integer({ min: 0, max: 3 }),
        status: fc.constantFrom('pending', 'paid', 'refunded'),
        cents: fc.integer({ min: 1, max: 500_000 }),
      }),
      fc.record({ kind: fc.constant('submit' as const), form: fc.constantFrom('a-emma-menu', 'a-emma-questionnaire') }),
      fc.record({
        kind: fc.constant('connection' as const),
        supplier: fc.constantFrom('lenslight', 'feast', 'oakwood'),
        status: fc.constantFrom('active', 'ended'),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const model = seededModel();
        const log = new ChangeLog(model);
        let clock = NOW_MS;
        ops.forEach((o, i) => {
          if (o.kind === 'message') {
            clock += o.gapMs;
            log.write(
              o.fromCouple ? 'u-emma' : o.supplier === 'feast' ? 'u-olivia' : 'u-sarah',
              'messages',
              `m-${i}`,
              {
                weddingId: 'w-emma-james',
                supplierId: o.supplier,
                fromCouple: o.fromCouple,
                body: 'x',
                sentAtMs: clock,
              },
              { atMs: clock },
            );
          } else if (o.kind === 'payment') {
            log.write(
              'u-emma',
              'payments',
              `pay-${o.supplier}-${o.n}`,
              {
                weddingId: 'w-emma-james',
                supplierId: o.supplier,
                status: o.status,
                amountCents: o.cents,
                currency: 'GBP',
              },
              { atMs: clock },
            );
          } else if (o.kind === 'submit') {
            log.write(
              'u-emma',
              'form_assignments',
              o.form,
              { status: 'submitted', submittedAtMs: clock },
              { atMs: clock },
            );
          } else {
            log.write(
              'u-emma',
              'connections',
              `conn-w-emma-james-${o.supplier}`,
              { status: o.status },
              { atMs: clock },
            );
          }
        });
        const rebuilt = new SupplierMetrics(model.directory);
        rebuilt.rebuild();
        for (const supplierId of ['lenslight', 'feast', 'oakwood', 'bloom']) {
          const { teamActivityToday: _a, ...live } = model.metricsFor(supplierId, clock);
          const { teamActivityToday: _b, ...full } = rebuilt.snapshot(supplierId, clock);
          expect(live).toEqual(full);
        }
        rebuilt.close();
      }),
      { seed, numRuns: 60 },
    );
  });
});
