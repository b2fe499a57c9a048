import { MAX_PROBLEM_REPORT_BYTES, type ProblemReportReceipt } from '@wedsync/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredProblemReport } from '../src/audit/problem-report-store.ts';
import { type ApiWorld, startApiWorld } from './api-fixture.ts';

const WEDDING = 'wedding:w-emma-james';

// Issue 10 item 4: "report a problem" stores the client's diagnostic bundle with the user's audit
// events of the last hour, behind the bearer token, size-capped (R15.2, R14.1).
describe('report a problem (R15.2)', () => {
  let world: ApiWorld;

  beforeAll(async () => {
    world = await startApiWorld();
  }, 180_000);
  afterAll(() => world?.close());

  const diagnostics = {
    status: { state: 'reconnecting', attempt: 3, latencyMs: 812 },
    queue: { queued: 2 },
    log: ['12:00:01 heartbeat timeout', '12:00:02 reconnecting'],
    versions: { protocol: 1 },
  };

  it('R15.2 stores the bundle with the reporter’s audit events of the last hour, readable only by the reporter', async () => {
    const emma = await world.connect('u-emma');
    await emma.join(WEDDING);
    await emma.leave(WEDDING);
    const posted = await world.as('u-emma').post<ProblemReportReceipt>('/api/report-problem', {
      description: 'The indicator stays yellow',
      diagnostics,
    });
    expect(posted.status, posted.text).toBe(201);
    expect(posted.body.auditEvents).toBeGreaterThanOrEqual(3);

    const stored = await world.as('u-emma').get<StoredProblemReport>(`/api/report-problem/${posted.body.id}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ userId: 'u-emma', description: 'The indicator stays yellow', diagnostics });
    const kinds = stored.body.auditEvents.map((entry) => entry.kind);
    expect(kinds).toEqual(expect.arrayContaining(['connect', 'join', 'leave']));
    expect(kinds.indexOf('join')).toBeLessThan(kinds.indexOf('leave'));
    expect(stored.body.auditEvents.every((entry) => entry.actor === 'u-emma')).toBe(true);
    expect(stored.body.auditEvents).toHaveLength(posted.body.auditEvents);

    expect((await world.as('u-james').get(`/api/report-problem/${posted.body.id}`)).status).toBe(404);
  });

  it('R15.2 refuses bodies over the cap with 413 PAYLOAD_TOO_LARGE, bad bundles with 400, strangers with 401', async () => {
    const huge = await world
      .as('u-emma')
      .post('/api/report-problem', { diagnostics: { log: 'x'.repeat(MAX_PROBLEM_REPORT_BYTES) } });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    const bad = await world.as('u-emma').post('/api/report-problem', { description: 'no diagnostics' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const anonymous = await fetch(`${world.server.url}/api/report-problem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ diagnostics }),
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'TOKEN_MISSING' } });
  });
});
