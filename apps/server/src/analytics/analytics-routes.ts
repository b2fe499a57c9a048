import {
  ANALYTICS_RESOLUTIONS,
  type AnalyticsResolution,
  type AnalyticsSeries,
  telemetryBatchSchema,
} from '@wedsync/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { apiError, bodyErrorHandler } from '../audit/api-errors.ts';
import { describeZod, timeParam } from '../audit/audit-routes.ts';
import type { Authenticate } from '../audit/bearer-auth.ts';
import type { AnalyticsService } from './analytics-service.ts';
import { HOUR_MS } from './analytics-store.ts';

/** Largest accepted telemetry body: 30 reports of 200 samples fit with room to spare. */
const MAX_TELEMETRY_BYTES = 64 * 1024;
const DAY_MS = 24 * HOUR_MS;
/** Longest range per resolution: a day of minutes, 90 days of hours. */
const MAX_SPAN_MS: Record<AnalyticsResolution, number> = { minute: DAY_MS, hour: 90 * DAY_MS };

const seriesQuerySchema = z.object({
  tenant: z.string().min(1).max(200).default('*'),
  from: timeParam.optional(),
  to: timeParam.optional(),
  resolution: z.enum(ANALYTICS_RESOLUTIONS).optional(),
});

/**
 * The analytics HTTP API (R12.1, R16.1, R16.2), bearer token as `/api/me`:
 * - `POST /api/telemetry` `{ reports: TelemetryReport[] }` → 204; counted for the user's tenants and `*`
 * - `GET /api/analytics?tenant=&from=&to=&resolution=minute|hour` → `AnalyticsSeries`. Default: `*`, the
 *   last hour, minutes for up to a day and hours beyond. A supplier's owner/admin reads its tenant, a
 *   partner their wedding, either of them `*`; anything else → 403 FORBIDDEN.
 */
export function registerAnalyticsRoutes(
  app: FastifyInstance,
  options: { analytics: AnalyticsService; authenticate: Authenticate; nowMs?: () => number },
): void {
  const { analytics, authenticate } = options;
  const nowMs = options.nowMs ?? Date.now;

  app.post(
    '/api/telemetry',
    { bodyLimit: MAX_TELEMETRY_BYTES, errorHandler: bodyErrorHandler(MAX_TELEMETRY_BYTES) },
    async (request, reply) => {
      const user = await authenticate(request, reply);
      if (!user) return reply;
      const parsed = telemetryBatchSchema.safeParse(request.body);
      if (!parsed.success) return reply.code(400).send(apiError('VALIDATION_FAILED', describeZod(parsed.error)));
      analytics.ingest(user.id, parsed.data.reports);
      return reply.code(204).send();
    },
  );

  app.get('/api/analytics', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    const parsed = seriesQuerySchema.safeParse(request.query ?? {});
    if (!parsed.success) return reply.code(400).send(apiError('VALIDATION_FAILED', describeZod(parsed.error)));
    const { tenant } = parsed.data;
    if (!analytics.readableTenants(user.id).includes(tenant)) {
      return reply.code(403).send(apiError('FORBIDDEN', `You may not read the analytics of ${tenant}`));
    }
    const toMs = parsed.data.to ?? nowMs();
    const fromMs = parsed.data.from ?? toMs - HOUR_MS;
    const resolution = parsed.data.resolution ?? (toMs - fromMs <= DAY_MS ? 'minute' : 'hour');
    if (!(fromMs < toMs) || toMs - fromMs > MAX_SPAN_MS[resolution]) {
      const days = MAX_SPAN_MS[resolution] / DAY_MS;
      return reply
        .code(400)
        .send(apiError('VALIDATION_FAILED', `from must be before to, at most ${days} day(s) apart for ${resolution}`));
    }
    await analytics.flush();
    const series: AnalyticsSeries = {
      tenant,
      resolution,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      points: await analytics.series(tenant, fromMs, toMs, resolution),
    };
    return series;
  });
}
