import type { ClientStatus } from '@wedsync/wedding';
import type { FastifyInstance } from 'fastify';
import { answer } from './api-errors.ts';
import { type ApiRecord, grantOn, onlineUsers, readRecord, type WeddingApiContext } from './topic-records.ts';

/**
 * A supplier's clients and dashboards, and a wedding's core record (R6.2, R7.1, R14.2):
 * - `GET /api/weddings/:weddingId` → `{ wedding: ApiRecord, couple: { id, displayName }, sharedFields? }`:
 *   the core fields as projected for you (a supplier never gets a field the couple did not share);
 * - `GET /api/suppliers/:supplierId/clients` → `{ clients: [{ weddingId, coupleId, displayName, wedding, status }] }`,
 *   active clients first (R7.2);
 * - `GET /api/suppliers/:supplierId/client-statuses` → `{ statuses: ClientStatus[] }` (R7.1);
 * - `GET /api/suppliers/:supplierId/metrics` → the live metrics snapshot (R6.2).
 * "Online now" counts the partners connected to this node (presence of other nodes is not read here).
 */
export function registerClientRoutes(app: FastifyInstance, ctx: WeddingApiContext): void {
  const { model } = ctx;

  app.get<{ Params: { weddingId: string } }>('/api/weddings/:weddingId', async (request, reply) => {
    const user = await ctx.authenticate(request, reply);
    if (!user) return reply;
    return answer(reply, async () => {
      const { weddingId } = request.params;
      const topic = `wedding:${weddingId}`;
      const { audience } = grantOn(model, user.id, topic);
      const { record } = await readRecord(ctx, 'weddings', weddingId, topic, audience);
      const coupleId = model.directory.coupleOfWedding(weddingId);
      const displayName = coupleId ? model.directory.records.get('couples', coupleId)?.fields.displayName : undefined;
      return {
        wedding: record,
        couple: { id: coupleId ?? null, displayName: displayName ?? null },
        ...(audience.kind === 'team'
          ? { sharedFields: model.directory.sharedCoreFields(weddingId, audience.supplierId) }
          : {}),
      };
    });
  });

  app.get<{ Params: { supplierId: string } }>('/api/suppliers/:supplierId/clients', async (request, reply) => {
    const user = await ctx.authenticate(request, reply);
    if (!user) return reply;
    return answer(reply, async () => {
      const { supplierId } = request.params;
      const { audience } = grantOn(model, user.id, `supplier:${supplierId}:clients`);
      const statuses = statusesOf(ctx, supplierId);
      const clients = [];
      for (const status of statuses) {
        const topic = `wedding:${status.weddingId}`;
        let wedding: ApiRecord | null = null;
        try {
          wedding = (await readRecord(ctx, 'weddings', status.weddingId, topic, audience)).record;
        } catch {
          wedding = null;
        }
        const couple = status.coupleId ? model.directory.records.get('couples', status.coupleId) : undefined;
        clients.push({
          weddingId: status.weddingId,
          coupleId: status.coupleId ?? null,
          displayName: couple?.fields.displayName ?? null,
          wedding,
          status,
        });
      }
      return { clients };
    });
  });

  app.get<{ Params: { supplierId: string } }>('/api/suppliers/:supplierId/client-statuses', async (request, reply) => {
    const user = await ctx.authenticate(request, reply);
    if (!user) return reply;
    return answer(reply, async () => {
      grantOn(model, user.id, `supplier:${request.params.supplierId}:clients`);
      return { statuses: statusesOf(ctx, request.params.supplierId) };
    });
  });

  app.get<{ Params: { supplierId: string } }>('/api/suppliers/:supplierId/metrics', async (request, reply) => {
    const user = await ctx.authenticate(request, reply);
    if (!user) return reply;
    return answer(reply, async () => {
      grantOn(model, user.id, `supplier:${request.params.supplierId}`);
      return { metrics: model.metricsFor(request.params.supplierId, ctx.nowMs()) };
    });
  });
}

function statusesOf(ctx: WeddingApiContext, supplierId: string): ClientStatus[] {
  const { directory } = ctx.model;
  const topics = directory.connectedWeddings(supplierId).flatMap((weddingId) => {
    const coupleId = directory.coupleOfWedding(weddingId);
    return [`wedding:${weddingId}`, ...(coupleId ? [`couple:${coupleId}`] : [])];
  });
  return ctx.model.clientStatuses(supplierId, { nowMs: ctx.nowMs(), onlineUserIds: onlineUsers(ctx.realtime, topics) });
}
