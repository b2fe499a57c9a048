import { type FieldOp, isErrorCode } from '@wedsync/protocol';
import type { AuthUser } from '@wedsync/server';
import {
  ANONYMOUS_DISPLAY_NAME,
  type Audience,
  actorLabel,
  CORE_FIELDS,
  type CoreField,
  fieldIdOf,
  sharingId,
  type WeddingModel,
} from '@wedsync/wedding';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError, answer } from './api-errors.ts';
import type { ApiWriter } from './api-writer.ts';
import { directoryHolds, grantOn, type WeddingApiContext } from './topic-records.ts';

const settingsSchema = z
  .object(
    Object.fromEntries(CORE_FIELDS.map((field) => [field, z.boolean().optional()])) as Record<
      CoreField,
      z.ZodOptional<z.ZodBoolean>
    >,
  )
  .strict()
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'name at least one core field');

/** Who writes: the person, or `anon:{id}` for a team member in anonymous mode (R14.2), as on the WebSocket. */
export function apiActor(model: WeddingModel, user: AuthUser, audience: Audience): { userId: string; name: string } {
  if (audience.kind === 'team' && model.directory.anonymousEdits(user.id)) {
    return { userId: actorLabel(user.id, true), name: ANONYMOUS_DISPLAY_NAME };
  }
  return { userId: user.id, name: model.directory.displayName(user.id) || user.name };
}

/**
 * Sharing settings per couple × supplier (R14.2):
 * - `GET /api/weddings/:weddingId/sharing` → `{ sharing: [{ supplierId, supplierName, supplierType, fields }] }`:
 *   the couple gets every connected supplier; a supplier's team only what is shared with it;
 * - `PUT /api/weddings/:weddingId/sharing/:supplierId` `{ guestCount: false, … }` (the couple only) →
 *   committed through record sync like a channel mutation, so it applies live: the supplier's screens
 *   lose or gain the field at once. Answers the resulting settings.
 */
export function registerSharingRoutes(
  app: FastifyInstance,
  ctx: WeddingApiContext,
  writer: ApiWriter | undefined,
): void {
  const { model } = ctx;
  const settingsOf = (weddingId: string, supplierId: string) => ({
    supplierId,
    supplierName: model.directory.records.get('suppliers', supplierId)?.fields.name ?? supplierId,
    supplierType: model.directory.supplierType(supplierId) ?? null,
    fields: Object.fromEntries(
      CORE_FIELDS.map((field) => [field, model.directory.isShared(weddingId, supplierId, field)]),
    ) as Record<CoreField, boolean>,
  });

  app.get<{ Params: { weddingId: string } }>('/api/weddings/:weddingId/sharing', async (request, reply) => {
    const user = await ctx.authenticate(request, reply);
    if (!user) return reply;
    return answer(reply, async () => {
      const { weddingId } = request.params;
      const { audience } = grantOn(model, user.id, `wedding:${weddingId}`);
      const suppliers =
        audience.kind === 'couple' ? model.directory.connectedSuppliers(weddingId) : [audience.supplierId];
      return { sharing: suppliers.map((supplierId) => settingsOf(weddingId, supplierId)) };
    });
  });

  app.put<{ Params: { weddingId: string; supplierId: string } }>(
    '/api/weddings/:weddingId/sharing/:supplierId',
    async (request, reply) => {
      const user = await ctx.authenticate(request, reply);
      if (!user) return reply;
      return answer(reply, async () => {
        const { weddingId, supplierId } = request.params;
        const topic = `wedding:${weddingId}`;
        const { audience } = grantOn(model, user.id, topic);
        const body = settingsSchema.safeParse(request.body);
        if (!body.success) {
          throw new ApiError(
            'VALIDATION_FAILED',
            `Body must be { ${CORE_FIELDS.join('?, ')}?: boolean }, at least one`,
          );
        }
        if (!writer) throw new ApiError('SERVER_SHUTTING_DOWN', 'Writes are not available on this node');
        const id = sharingId(weddingId, supplierId);
        const set = (name: string, v: unknown): FieldOp => ({ k: 'set', f: fieldIdOf('sharing', name), v });
        const ops: FieldOp[] = [set('weddingId', weddingId), set('supplierId', supplierId)];
        for (const field of CORE_FIELDS) {
          const value = body.data[field];
          if (value !== undefined) ops.push(set(field, value));
        }
        const decision = model.authorizeMutation(user.id, topic, { c: 'sharing', id, ops });
        if (!decision.ok) throw new ApiError(decision.code, decision.message);
        const base = (await ctx.storage.getRecord('sharing', id))?.v ?? 0;
        const result = await writer.commit(
          apiActor(model, user, audience),
          decision.scope,
          { c: 'sharing', id, base, ops },
          ctx.nowMs(),
        );
        if (result.status === 'rejected') {
          throw new ApiError(isErrorCode(result.code) ? result.code : 'SERVER_ERROR', result.message);
        }
        // Read-your-writes: answer once this node applies the new rights (lists and search then show it).
        if (result.status === 'applied') await directoryHolds(model, 'sharing', id, result.v);
        const current = settingsOf(weddingId, supplierId);
        for (const field of CORE_FIELDS) {
          const value = body.data[field];
          if (value !== undefined) current.fields[field] = value;
        }
        return { sharing: current, v: 'v' in result ? result.v : undefined };
      });
    },
  );
}
