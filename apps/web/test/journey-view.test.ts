import { describe, expect, test } from 'vitest';
import { journeyRunView } from '../src/supplier/journey-view.ts';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 5, 10, 12);

const journey = {
  name: 'Client onboarding',
  stages: [
    {
      id: 's1',
      v: {
        name: 'Welcome',
        modules: [
          { id: 'welcome-email', kind: 'send_email', label: 'Welcome email' },
          { id: 'send-questionnaire', kind: 'send_form', label: 'Send questionnaire' },
        ],
      },
    },
    {
      id: 's2',
      v: {
        name: 'Planning',
        modules: [
          { id: 'wait-14', kind: 'wait', label: 'Wait 14 days', waitDays: 14 },
          { id: 'reminder', kind: 'reminder', label: 'Questionnaire reminder' },
        ],
      },
    },
    { id: 's3', v: { name: 'Pre-wedding', modules: [{ id: 'final', kind: 'send_email', label: 'Final details' }] } },
  ],
};

const run = (
  log: { moduleId: string; event: string; atMs: number; error?: string; retryAtMs?: number }[],
  extra = {},
) => ({
  journeyId: 'j1',
  supplierId: 'lenslight',
  weddingId: 'w1',
  coupleId: 'c1',
  status: 'running',
  stageIndex: 0,
  nextActionAtMs: null,
  log: log.map((v, index) => ({ id: `e${index}`, v })),
  ...extra,
});

describe('journey progress for the supplier dashboard', () => {
  test('R8.2 completed stages are checked, the current one names its module, progress counts modules', () => {
    const view = journeyRunView(
      journey,
      run([
        { moduleId: 'welcome-email', event: 'completed', atMs: NOW - 3 * DAY_MS },
        { moduleId: 'send-questionnaire', event: 'completed', atMs: NOW - 3 * DAY_MS },
        { moduleId: 'wait-14', event: 'started', atMs: NOW - 2 * DAY_MS },
      ]),
      NOW,
    );
    expect(view?.stages.map((stage) => stage.status)).toEqual(['done', 'current', 'pending']);
    expect(view?.stages[1]?.detail).toBe('Wait 14 days: Running');
    expect(view?.progress).toBeCloseTo(2 / 5);
    expect(view?.nextActionLabel).toBe('Wait 14 days ends');
    expect(view?.nextActionAtMs).toBe(NOW - 2 * DAY_MS + 14 * DAY_MS);
  });

  test('R8.1 R8.2 a failed action warns on its stage with the error and whether it retries', () => {
    const view = journeyRunView(
      journey,
      run(
        [
          { moduleId: 'welcome-email', event: 'started', atMs: NOW - 60_000 },
          { moduleId: 'welcome-email', event: 'failed', atMs: NOW, error: 'SMTP refused', retryAtMs: NOW + 60_000 },
        ],
        { nextActionAtMs: NOW + 60_000 },
      ),
      NOW,
    );
    expect(view?.stages[0]).toMatchObject({
      status: 'failed',
      failureReason: 'Welcome email: SMTP refused — will retry',
    });
    expect(view?.nextActionLabel).toBe('Welcome email');
    expect(view?.nextActionAtMs).toBe(NOW + 60_000);
  });

  test('R8.2 an email opened shows on the current stage; a completed run is full with no countdown', () => {
    const opened = journeyRunView(
      journey,
      run([
        { moduleId: 'welcome-email', event: 'completed', atMs: NOW - DAY_MS },
        { moduleId: 'welcome-email', event: 'email_opened', atMs: NOW },
      ]),
      NOW,
    );
    expect(opened?.stages[0]?.detail).toBe('Welcome email: Email opened');
    const finished = journeyRunView(journey, run([], { status: 'completed', stageIndex: 2 }), NOW);
    expect(finished?.progress).toBe(1);
    expect(finished?.stages.map((stage) => stage.status)).toEqual(['done', 'done', 'done']);
    expect(finished?.nextActionAtMs).toBeNull();
  });

  test('R8.2 a malformed run record yields nothing rather than a broken bar', () => {
    expect(journeyRunView(journey, { status: 'running' }, NOW)).toBeNull();
  });
});
