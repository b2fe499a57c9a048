import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../channels/engine-context.ts';

export type HealthCheck = () => Promise<{ ok: boolean; detail?: string }> | { ok: boolean; detail?: string };

/** A health check that has not answered in this long counts as failed. */
const HEALTH_CHECK_TIMEOUT_MS = 2_000;

/**
 * `GET /healthz` → 200/503 `{ ok, nodeId, connections, bus, checks }` (each app check named, e.g. storage);
 * `GET /metrics` → this server's Prometheus registry.
 */
export function registerHttpRoutes(
  app: FastifyInstance,
  ctx: EngineContext,
  healthChecks: Record<string, HealthCheck>,
): void {
  app.get('/healthz', async (_request, reply) => {
    const bus = await ctx.bus.health();
    const names = Object.keys(healthChecks);
    const results = await Promise.all(names.map((name) => runCheck(healthChecks[name]!)));
    const checks = Object.fromEntries(names.map((name, index) => [name, results[index]]));
    const ok = bus.ok && results.every((result) => result.ok) && !ctx.shuttingDown;
    return reply.code(ok ? 200 : 503).send({ ok, nodeId: ctx.nodeId, connections: ctx.sessions.size, bus, checks });
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.header('content-type', ctx.metrics.registry.contentType).send(text);
  });
}

async function runCheck(check: HealthCheck): Promise<{ ok: boolean; detail?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ ok: boolean; detail: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: 'timed out' }), HEALTH_CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
