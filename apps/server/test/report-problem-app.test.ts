import { MAX_PROBLEM_REPORT_BYTES, type ProblemReportReceipt } from '@wedsync/protocol';
import type { SqlStorage } from '@wedsync/storage-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAppConfig } from '../src/app-config.ts';
import { createAuditService } from '../src/audit/audit-service.ts';
import type { StoredProblemReport } from '../src/audit/problem-report-store.ts';
import { type ApiWorld, startApiWorld } from './api-fixture.ts';

const WEDDING = 'wedding:w-emma-james';
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

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

  it('R15.2 R14.1 a report holds only the last hour of the reporter’s events, not older ones', async () => {
    const now = Date.now();
    await world.server.audit.store.append([
      { kind: 'connect', atMs: now - 2 * HOUR_MS, actor: 'u-priya', node: 'old', tenant: null },
      { kind: 'connect', atMs: now - 30 * 60_000, actor: 'u-priya', node: 'recent', tenant: null },
    ]);
    const posted = await world.as('u-priya').post<ProblemReportReceipt>('/api/report-problem', { diagnostics });
    expect(posted.status, posted.text).toBe(201);
    const stored = await world.as('u-priya').get<StoredProblemReport>(`/api/report-problem/${posted.body.id}`);
    const nodes = stored.body.auditEvents.map((entry) => entry.node);
    expect(nodes).toContain('recent');
    expect(nodes).not.toContain('old');
  });

  it('R14.1 R15.2 retention: 90 days by default, AUDIT_RETENTION_DAYS changes it; maintenance prunes trail and reports', async () => {
    expect(loadAppConfig({}).AUDIT_RETENTION_DAYS).toBe(90);
    expect(loadAppConfig({ AUDIT_RETENTION_DAYS: '30' }).AUDIT_RETENTION_DAYS).toBe(30);
    const { audit } = world.server;
    expect(audit.retentionMs).toBe(90 * DAY_MS);
    const now = Date.now();
    const actor = 'u-retention';
    const at = (days: number) => now - days * DAY_MS;
    await audit.store.append([
      { kind: 'join', atMs: at(91), actor, node: 'd91', tenant: WEDDING, topic: WEDDING },
      { kind: 'join', atMs: at(60), actor, node: 'd60', tenant: WEDDING, topic: WEDDING },
      { kind: 'join', atMs: at(1), actor, node: 'd1', tenant: WEDDING, topic: WEDDING },
    ]);
    const report = (days: number) =>
      audit.problems.add({ userId: actor, atMs: at(days), report: { diagnostics: {} }, auditEvents: [] });
    const [report91, report60] = [await report(91), await report(60)];
    const kept = async () =>
      (await audit.store.query({ tenant: WEDDING, actor, limit: 1_000 })).map((entry) => entry.node).sort();

    expect((await audit.maintain()).pruned).toBeGreaterThanOrEqual(1);
    expect(await kept()).toEqual(['d1', 'd60']);
    expect(await audit.problems.get(report91, actor)).toBeUndefined();
    expect(await audit.problems.get(report60, actor)).toBeDefined();

    // The same tables under a 30-day retention (what AUDIT_RETENTION_DAYS=30 gives the app).
    const shorter = await createAuditService({
      sql: (world.server.storage as SqlStorage).sql,
      directory: world.server.model.directory,
      retentionDays: 30,
    });
    try {
      expect(shorter.retentionMs).toBe(30 * DAY_MS);
      await shorter.maintain();
      expect(await kept()).toEqual(['d1']);
      expect(await audit.problems.get(report60, actor)).toBeUndefined();
    } finally {
      await shorter.close();
    }
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
