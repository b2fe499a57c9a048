import { existsSync } from 'node:fs';
import type { Agent } from 'node:https';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import { createRedisBus, createRedisRateLimiter } from '@wedsync/fanout-redis';
import {
  attachRecordSync,
  createRealtimeServer,
  type FanoutBus,
  InProcessBusHub,
  type RealtimeServer,
  type RecordSync,
  readTlsFiles,
  type Storage,
  TlsConfigError,
} from '@wedsync/server';
import { createPgliteStorage, createPostgresStorage, type SqlStorage } from '@wedsync/storage-postgres';
import {
  seedPeople,
  seedWorld,
  WeddingModel,
  weddingSchemas,
  withUserTopicSync,
  withUserTopics,
} from '@wedsync/wedding';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { registerAnalyticsRoutes } from './analytics/analytics-routes.ts';
import { type AnalyticsService, createAnalyticsService } from './analytics/analytics-service.ts';
import { registerApiRoutes } from './api-routes.ts';
import { type AppConfig, ConfigError } from './app-config.ts';
import { registerAuditRoutes } from './audit/audit-routes.ts';
import { type AuditService, createAuditService } from './audit/audit-service.ts';
import { bearerAuthenticator } from './audit/bearer-auth.ts';
import { activityDerivation } from './derived-activity.ts';
import { type AppliedListener, derivedEffects } from './derived-effects.ts';
import { appRealtimeHooks, appRecordSyncHooks } from './derived-sync-hooks.ts';
import { registerDevLoginRoutes } from './dev-login-routes.ts';
import { loadOrCreateDevSecret } from './dev-secret.ts';
import { createJourneySmtpMailer } from './journey-smtp-mailer.ts';
import { type JourneyService, wireJourneys } from './journey-wiring.ts';
import { registerMediaRoutes } from './media/media-routes.ts';
import { followModel, type ModelFollower } from './model-follower.ts';
import { type NotificationService, wireNotifications } from './notification-wiring.ts';

export interface AppServer {
  readonly url: string;
  readonly port: number;
  readonly realtime: RealtimeServer;
  readonly sync: RecordSync;
  readonly storage: Storage;
  readonly model: WeddingModel;
  readonly notifications: NotificationService;
  /** Journeys and calendar work of this node (R8, R9). */
  readonly journeys: JourneyService;
  /** This node's Directory follower (rights before delivery, derived events). */
  readonly follower: ModelFollower;
  /** R14.1 audit trail and R15.2 problem reports. */
  readonly audit: AuditService;
  /** R16 client telemetry and sync analytics. */
  readonly analytics: AnalyticsService;
  /** Called with each batch of changes this node's Directory applied, after the derived events; returns the unsubscribe. */
  onApplied(listener: AppliedListener): () => void;
  close(): Promise<void>;
}

/** Parts a test (or an embedding process) provides instead of the configured ones; they are not closed by `close()`. */
export interface AppServerParts {
  /** Several app nodes on one storage (tests use one PGlite database for all). */
  storage?: SqlStorage;
  bus?: FanoutBus;
  /** Clock of the audit and analytics services (tests pin time buckets); default Date.now. */
  clock?: () => number;
  /** HTTPS agent for Web Push service requests (tests: a loopback push service with a private CA). */
  pushAgent?: Agent;
}

/**
 * The deployable (DESIGN §6): configuration → storage (PGlite or PostgreSQL) → bus (in-process or
 * Redis) → the generic engine with the wedding rules as hooks → record sync → seed → HTTP API → web app.
 */
export async function startAppServer(config: AppConfig, parts: AppServerParts = {}): Promise<AppServer> {
  const logger = pino({ level: config.LOG_LEVEL });
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.error({ err: error }, 'shutdown step failed');
      }
    }
  };
  try {
    // R14.1: read first, so a bad TLS setting fails before any storage is opened.
    const https = await readTlsFiles(config.TLS_CERT_FILE, config.TLS_KEY_FILE).catch((error: unknown) => {
      throw error instanceof TlsConfigError ? new ConfigError(`Invalid configuration — ${error.message}`) : error;
    });
    const jwtSecret =
      config.JWT_SECRET ??
      (config.JWKS_URL && config.isProduction ? undefined : await loadOrCreateDevSecret(config.DATA_DIR));
    const storage =
      parts.storage ??
      (config.DATABASE_URL
        ? await createPostgresStorage({ connectionString: config.DATABASE_URL })
        : await createPgliteStorage({ dataDir: join(config.DATA_DIR, 'pglite') }));
    if (!parts.storage) cleanups.push(() => storage.close());
    await storage.migrate();

    const bus: FanoutBus =
      parts.bus ??
      (config.REDIS_URL ? await createRedisBus({ url: config.REDIS_URL }) : new InProcessBusHub().createBus());
    if (!parts.bus) cleanups.push(() => bus.close());
    const rateLimit = config.REDIS_URL
      ? await createRedisRateLimiter({
          url: config.REDIS_URL,
          points: config.RATE_LIMIT_POINTS,
          durationMs: config.RATE_LIMIT_DURATION_MS,
        })
      : { points: config.RATE_LIMIT_POINTS, durationMs: config.RATE_LIMIT_DURATION_MS };
    if ('close' in rateLimit) cleanups.push(() => rateLimit.close());

    const model = new WeddingModel();
    await seedWorld(storage, { nowMs: Date.now() });
    // Fastify's generic logger type differs from pino's; the instance is the same pino logger.
    // forceCloseConnections: a long-poll client that vanished mid-request must not hold up shutdown.
    const app = Fastify({
      loggerInstance: logger,
      bodyLimit: 256 * 1024,
      forceCloseConnections: true,
      ...(https ? { https } : {}),
    }) as unknown as FastifyInstance;
    const audit = await createAuditService({
      sql: storage.sql,
      directory: model.directory,
      retentionDays: config.AUDIT_RETENTION_DAYS,
      nowMs: parts.clock,
      onError: (error, context) => logger.error({ err: error }, context),
    });
    cleanups.push(() => audit.close());
    const realtime = await createRealtimeServer({
      audit: audit.trail,
      app,
      jwtSecret,
      jwksUrl: config.JWKS_URL,
      bus,
      logger,
      hooks: appRealtimeHooks(model, withUserTopics(model.realtimeHooks())),
      heartbeatIntervalMs: config.HEARTBEAT_INTERVAL_MS,
      allowedOrigins: config.ALLOWED_ORIGINS,
      rateLimit,
      maxConnectionsPerUser: config.MAX_CONNECTIONS_PER_USER,
      healthChecks: { storage: async () => ({ ok: (await storage.headSeq()) >= 0 }) },
    });
    cleanups.push(() => realtime.close());
    const follower = await followModel({ model, storage, realtime, logger });
    cleanups.push(() => follower.close());
    const sync = await attachRecordSync(realtime, {
      storage,
      schemas: weddingSchemas,
      hooks: appRecordSyncHooks(model, follower, withUserTopicSync(model.recordSyncHooks(), storage)),
      retentionMs: config.LOG_RETENTION_DAYS * 86_400_000,
      audit: audit.trail,
      // R6.1: activity records are written in the same transaction as the change they describe.
      derive: activityDerivation(model),
    });
    cleanups.push(() => sync.close());
    // Derived data of live changes (issue 4 items 3–5): rescoping, propagation, re-projection, the feed.
    cleanups.push(() => follower.close());
    const appliedListeners = new Set<AppliedListener>();
    follower.start(derivedEffects({ model, realtime, sync, listeners: appliedListeners, nowMs: Date.now }));
    const notifications = await wireNotifications({
      config,
      app,
      realtime,
      sync,
      storage,
      model,
      logger,
      jwtSecret,
      ...(parts.pushAgent ? { pushAgent: parts.pushAgent } : {}),
    });
    cleanups.push(() => notifications.close());
    const journeyMailer = config.SMTP_URL
      ? createJourneySmtpMailer({ url: config.SMTP_URL, from: config.SMTP_FROM })
      : undefined;
    if (journeyMailer) cleanups.push(() => journeyMailer.close());
    const journeys = await wireJourneys({
      app,
      realtime,
      sync,
      storage,
      model,
      logger,
      secret: jwtSecret,
      publicUrl: () => config.PUBLIC_URL,
      mailer: journeyMailer,
    });
    cleanups.push(() => journeys.close());

    registerDevLoginRoutes(app, {
      people: seedPeople,
      jwtSecret: jwtSecret ?? '',
      enabled: !config.isProduction && jwtSecret !== undefined,
    });
    registerApiRoutes(app, { model, realtime, storage, sync, jwtSecret, jwksUrl: config.JWKS_URL });
    const analytics = await createAnalyticsService({
      sql: storage.sql,
      realtime,
      directory: model.directory,
      tenantOf: audit.tenantOf,
      nowMs: parts.clock,
      onError: (error, context) => logger.error({ err: error }, context),
    });
    cleanups.push(() => analytics.close());
    const authenticate = bearerAuthenticator({ jwtSecret, jwksUrl: config.JWKS_URL });
    registerAuditRoutes(app, { audit, authenticate, nowMs: parts.clock });
    registerAnalyticsRoutes(app, { analytics, authenticate, nowMs: parts.clock });
    // R12.2, R13.1: team chat photos as binary bodies, in two variants (issue 8 item 3).
    await registerMediaRoutes(app, { sql: storage.sql, directory: model.directory, authenticate, nowMs: parts.clock });
    const webDist = resolve(config.WEB_DIST_DIR ?? 'apps/web/dist');
    if (existsSync(join(webDist, 'index.html'))) {
      await app.register(fastifyStatic, { root: webDist, wildcard: false });
      app.setNotFoundHandler((request, reply) =>
        request.method === 'GET' && !request.url.startsWith('/api/')
          ? reply.sendFile('index.html')
          : reply.code(404).send({ error: { code: 'RECORD_NOT_FOUND', message: 'Not found' } }),
      );
    }
    const listening = await realtime.listen({ port: config.PORT, host: config.HOST });
    return {
      url: listening.url,
      port: listening.port,
      realtime,
      sync,
      storage,
      model,
      notifications,
      journeys,
      follower,
      audit,
      analytics,
      onApplied(listener) {
        appliedListeners.add(listener);
        return () => appliedListeners.delete(listener);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
