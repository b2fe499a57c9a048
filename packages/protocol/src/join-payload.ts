import { z } from 'zod';

/**
 * `phx_join` payload (reference §1.4). Parsed leniently: unknown keys are kept and ignored, absent
 * `self`/`ack` mean false (the user's `config.broadcast` object replaces realtime-js's defaults).
 */
export const postgresChangeFilterSchema = z
  .object({
    event: z.string().default('*'),
    schema: z.string().optional(),
    table: z.string().optional(),
    filter: z.string().optional(),
  })
  .loose();

/** Our sync extension of the join config: resume from a `seq`, or ask for a snapshot. */
export const syncJoinConfigSchema = z
  .object({
    /** The last `seq` this client saw on the channel; the server replays everything after it. */
    since: z.number().int().nonnegative().optional(),
    /** Ask for a snapshot of the channel's records after the reply. */
    snapshot: z.boolean().optional(),
  })
  .loose();

export const joinPayloadSchema = z
  .object({
    config: z
      .object({
        broadcast: z.object({ self: z.boolean().optional(), ack: z.boolean().optional() }).loose().optional(),
        presence: z
          .object({ key: z.string().max(200).optional(), enabled: z.boolean().optional() })
          .loose()
          .optional(),
        postgres_changes: z.array(postgresChangeFilterSchema).max(100).optional(),
        private: z.boolean().optional(),
        sync: syncJoinConfigSchema.optional(),
      })
      .loose()
      .optional(),
    access_token: z.string().optional(),
    user_token: z.string().optional(),
    version: z.string().optional(),
  })
  .loose();

export type JoinPayload = z.infer<typeof joinPayloadSchema>;
export type SyncJoinConfig = z.infer<typeof syncJoinConfigSchema>;

export const accessTokenPayloadSchema = z.object({ access_token: z.string().min(1) }).loose();

/** Text-form broadcast push: `{ type: "broadcast", event, payload }`. */
export const broadcastPayloadSchema = z
  .object({
    type: z.literal('broadcast').optional(),
    event: z.string().min(1).max(255),
    payload: z.unknown().optional(),
  })
  .loose();

export const presencePayloadSchema = z.discriminatedUnion('event', [
  z
    .object({
      type: z.literal('presence').optional(),
      event: z.literal('track'),
      payload: z.record(z.string(), z.unknown()),
    })
    .loose(),
  z.object({ type: z.literal('presence').optional(), event: z.literal('untrack') }).loose(),
]);

/** One presence entry as sent in `presence_state` / `presence_diff`: `{ key: { metas: [...] } }`. */
export type PresenceMeta = { phx_ref: string; phx_ref_prev?: string } & Record<string, unknown>;
export type PresenceMap = Record<string, { metas: PresenceMeta[] }>;
export interface PresenceDiff {
  joins: PresenceMap;
  leaves: PresenceMap;
}

/** The body of every `system` message (reference §1.10). */
export interface SystemPayload {
  extension: string;
  status: 'ok' | 'error';
  message: string;
  channel?: string;
}
