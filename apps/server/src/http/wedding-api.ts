import type { AuthUser, RealtimeServer, RecordSync, Storage } from '@wedsync/server';
import type { WeddingModel } from '@wedsync/wedding';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiWriter } from './api-writer.ts';
import { registerClientRoutes } from './client-routes.ts';
import { registerHistoryRoutes } from './history-routes.ts';
import { registerListRoutes } from './list-routes.ts';
import { registerSearchRoutes, type SearchLimits } from './search-routes.ts';
import { registerSharingRoutes } from './sharing-routes.ts';
import type { WeddingApiContext } from './topic-records.ts';

export interface WeddingApiOptions {
  model: WeddingModel;
  realtime: RealtimeServer;
  storage: Storage;
  /** Without it the API is read-only (sharing and rollback answer SERVER_SHUTTING_DOWN). */
  sync?: RecordSync;
  authenticate(request: FastifyRequest, reply: FastifyReply): Promise<AuthUser | undefined>;
  nowMs?: () => number;
  search?: SearchLimits;
}

/**
 * The HTTP API of the WedSync model (issue 4 item 8): lists, clients and dashboards, search with
 * live results, sharing settings, history and rollback — all behind the bearer token and decided by
 * the same rights and projection as the channels (R2.2, R14.2): a route answers exactly what a
 * channel join of the same topic would carry for you, or FORBIDDEN. See each `register…Routes`.
 */
export function registerWeddingApi(app: FastifyInstance, options: WeddingApiOptions): void {
  const ctx: WeddingApiContext = {
    model: options.model,
    realtime: options.realtime,
    storage: options.storage,
    authenticate: options.authenticate,
    nowMs: options.nowMs ?? Date.now,
  };
  if (options.sync) ctx.sync = options.sync;
  const writer = options.sync ? new ApiWriter(options.sync, options.storage, options.realtime.nodeId) : undefined;
  registerClientRoutes(app, ctx);
  registerListRoutes(app, ctx);
  registerSharingRoutes(app, ctx, writer);
  registerHistoryRoutes(app, ctx);
  registerSearchRoutes(app, ctx, options.search);
}
