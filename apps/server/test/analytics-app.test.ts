import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalyticsPoint, AnalyticsSeries, TelemetryReport } from '@wedsync/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncTestClient, signTestToken } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { type AppServer, startAppServer } from '../src/app-server.ts';
import { testAppConfig } from './test-app-config.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const LENSLIGHT = 'supplier:lenslight';
const WEDDING = 'wedding:w-emma-james';

const report = (overrides: Partial<TelemetryReport>): TelemetryReport => ({
  windowStartMs: 0,
  windowMs: 10_000,
  connectedMs: 10_000,
  latencyMs: [],
  messagesIn: 0,
  messagesOut: 0,
  reconnects: 0,
  syncAttempts: 0,
  syncFailures: 0,
  conflicts: 0,
  ...overrides,
});

// Issue 10 item 3: a scripted minute of client telemetry and live connections, read back from the
// minute series, the hourly rollup and Prometheus exactly as scripted (R16.1, R16.2).
describe('sync analytics in the app (R16.1, R16.2)', () => {
  let dataDir: string;
  let server: AppServer;
  let clockMs: number;
  const clients: SyncTestClient[] = [];
  /** The minute the scenario happens in (bucket start). */
  let minute: number;

  const call = async <T>(userId: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await signTestToken(userId)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const series = async (userId: string, query: string) => {
    const response = await call<AnalyticsSeries>(userId, 'GET', `/api/analytics?${query}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };
  const pointAt = (points: AnalyticsPoint[], atMs: number) =>
    points.find((point) => point.at === new Date(atMs).toISOString());

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wedsync-analytics-'));
    minute = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
    clockMs = minute + 5_000;
    server = await startAppServer(testAppConfig(dataDir), { clock: () => clockMs });
  }, 180_000);
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('R16.1 R16.2 a scripted minute (3 reconnects, 2 conflicts …) shows exactly as scripted, per tenant and overall', async () => {
    const wsUrl = `${server.url.replace(/^http/, 'ws')}/socket/websocket`;
    const sarah = await SyncTestClient.connect(wsUrl, 'u-sarah');
    const bob = await SyncTestClient.connect(wsUrl, 'u-bob');
    clients.push(sarah, bob);
    await sarah.join(LENSLIGHT);
    await sarah.join(`${LENSLIGHT}:team`);
    await bob.join(LENSLIGHT);

    const sarahReports = [
      report({ latencyMs: [20, 40], messagesIn: 50, messagesOut: 10, reconnects: 1, syncAttempts: 8, conflicts: 1 }),
      report({ connectedMs: 4_000, latencyMs: [100], reconnects: 2, syncAttempts: 2, syncFailures: 1 }),
    ];
    const bobReports = [report({ latencyMs: [60], messagesOut: 60, conflicts: 1 })];
    expect((await call('u-sarah', 'POST', '/api/telemetry', { reports: sarahReports })).status).toBe(204);
    expect((await call('u-bob', 'POST', '/api/telemetry', { reports: bobReports })).status).toBe(204);
    // Emma's report counts for her wedding and overall, never for the photographer.
    const emmaReport = report({ reconnects: 5, latencyMs: [500] });
    expect((await call('u-emma', 'POST', '/api/telemetry', { reports: [emmaReport] })).status).toBe(204);

    const from = minute - MINUTE_MS;
    const lens = await series('u-sarah', `tenant=${LENSLIGHT}&from=${from}&to=${minute + MINUTE_MS}&resolution=minute`);
    expect(lens.points).toHaveLength(2);
    expect(pointAt(lens.points, from)).toMatchObject({ reports: 0, reconnects: 0, uptimePct: null });
    const expected = {
      reports: 3,
      uptimePct: 80, // (10 000 + 4 000 + 10 000) / 30 000
      latencyAvgMs: 55, // (20 + 40 + 100 + 60) / 4
      latencyP95Ms: 100,
      messagesPerSecond: 2, // 120 frames / 60 s
      reconnects: 3,
      syncAttempts: 10,
      syncFailures: 1,
      syncFailureRate: 0.1,
      conflicts: 2,
      concurrentUsers: 2,
      channelSubscriptions: 3,
    };
    expect(pointAt(lens.points, minute)).toEqual({ at: new Date(minute).toISOString(), ...expected });

    const wedding = await series('u-emma', `tenant=${WEDDING}&from=${minute}&to=${minute + MINUTE_MS}`);
    expect(wedding.points[0]).toMatchObject({ reports: 1, reconnects: 5, latencyP95Ms: 500, concurrentUsers: 0 });
    const overall = await series('u-sarah', `tenant=*&from=${minute}&to=${minute + MINUTE_MS}`);
    expect(overall.points[0]).toMatchObject({ reports: 4, reconnects: 8, conflicts: 2, concurrentUsers: 2 });

    // Prometheus: the last complete minute of this node, on the server's registry.
    clockMs = minute + MINUTE_MS + 1_000;
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const gauge = (name: string) =>
      Number(new RegExp(`^${name}\\{[^}]*tenant="${LENSLIGHT}"[^}]*\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(gauge('wedsync_sync_reconnects_per_minute')).toBe(3);
    expect(gauge('wedsync_sync_conflicts_per_minute')).toBe(2);
    expect(gauge('wedsync_sync_uptime_ratio')).toBe(0.8);
    expect(gauge('wedsync_sync_latency_p95_ms')).toBe(100);
    expect(gauge('wedsync_concurrent_users')).toBe(2);
    expect(gauge('wedsync_channel_subscriptions')).toBe(3);

    // The hourly rollup (kept 90 days) holds the same figures once the minute rows are no longer read.
    clockMs = Math.floor(minute / HOUR_MS) * HOUR_MS + HOUR_MS + 5 * MINUTE_MS;
    await server.analytics.maintain();
    clockMs += 25 * HOUR_MS;
    const hourMs = Math.floor(minute / HOUR_MS) * HOUR_MS;
    const hourly = await series(
      'u-sarah',
      `tenant=${LENSLIGHT}&from=${hourMs}&to=${hourMs + 2 * HOUR_MS}&resolution=hour`,
    );
    expect(hourly.points).toHaveLength(2);
    expect(hourly.points[0]).toEqual({ at: new Date(hourMs).toISOString(), ...expected, messagesPerSecond: 0.033 });

    // Retention: minute rows go after about a day, hour rows after 90 days (maintenance prunes both).
    clockMs = hourMs + 89 * 24 * HOUR_MS;
    await server.analytics.maintain();
    const at89Days = await series(
      'u-sarah',
      `tenant=${LENSLIGHT}&from=${hourMs}&to=${hourMs + HOUR_MS}&resolution=hour`,
    );
    expect(at89Days.points[0]).toMatchObject({ reports: 3, reconnects: 3, conflicts: 2 });
    const minutesGone = await series(
      'u-sarah',
      `tenant=${LENSLIGHT}&from=${minute}&to=${minute + MINUTE_MS}&resolution=minute`,
    );
    expect(minutesGone.points[0]).toMatchObject({ reports: 0, reconnects: 0 });
    clockMs = hourMs + 91 * 24 * HOUR_MS;
    await server.analytics.maintain();
    const at91Days = await series(
      'u-sarah',
      `tenant=${LENSLIGHT}&from=${hourMs}&to=${hourMs + HOUR_MS}&resolution=hour`,
    );
    expect(at91Days.points[0]).toMatchObject({ reports: 0, reconnects: 0, conflicts: 0 });
  });

  it('R16.2 R14.2 analytics rights: owner/admin of the supplier or the couple; members and strangers get 403', async () => {
    for (const [userId, tenant] of [
      ['u-bob', LENSLIGHT],
      ['u-noah', WEDDING],
      ['u-sarah', WEDDING],
      ['u-bob', '*'],
    ] as const) {
      const response = await call<{ error: { code: string } }>(userId, 'GET', `/api/analytics?tenant=${tenant}`);
      expect(response.status, `${userId} reading ${tenant}`).toBe(403);
      expect(response.body.error.code).toBe('FORBIDDEN');
    }
    const bad = await call<{ error: { code: string } }>('u-sarah', 'POST', '/api/telemetry', {
      reports: [report({ connectedMs: 20_000 })],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const tooLong = await call(
      'u-sarah',
      'GET',
      `/api/analytics?tenant=*&from=0&to=${2 * 86_400_000}&resolution=minute`,
    );
    expect(tooLong.status).toBe(400);
    expect((await fetch(`${server.url}/api/telemetry`, { method: 'POST' })).status).toBe(401);
  });
});
