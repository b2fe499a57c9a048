import type { FieldOp, Mutation, MutationResult } from '@wedsync/protocol';

/**
 * Server-side writes, declared structurally: `RecordSync.commit` of the engine (delivered to every
 * channel like a client's write) plus `Storage.getRecord` for the record's current truth. The
 * storage keys replay protection by `(actor.userId, clientId, mid)`: the same mid twice is applied once.
 */
export interface RecordWriter {
  commit(request: {
    clientId: string;
    actor: { userId: string; name: string };
    scope: string;
    mutations: Mutation[];
    nowMs?: number;
  }): Promise<{ results: MutationResult[] }>;
  getRecord(
    c: string,
    id: string,
  ): Promise<
    { c: string; id: string; v: number; scope: string; fields: Record<string, unknown>; del?: true } | undefined
  >;
}

/** Who the server writes as (journeys, reminders): shown as "WedSync". */
export const AUTOMATION_ACTOR = { userId: 'system', name: 'WedSync' } as const;

/** Commits one mutation as the automation actor; returns its result (never throws on a refusal). */
export async function writeOne(
  writer: RecordWriter,
  request: { clientId: string; mid: number; c: string; id: string; scope: string; base: number; ops: FieldOp[] },
  nowMs: number,
): Promise<MutationResult> {
  const { results } = await writer.commit({
    clientId: request.clientId,
    actor: AUTOMATION_ACTOR,
    scope: request.scope,
    mutations: [{ mid: request.mid, c: request.c, id: request.id, base: request.base, ops: request.ops }],
    nowMs,
  });
  const result = results[0];
  if (!result) throw new Error(`no result for ${request.c}/${request.id}`);
  return result;
}
