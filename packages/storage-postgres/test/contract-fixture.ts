import { compileSchemas } from '@wedsync/merge';
import type { FieldOp, Mutation, MutationResult } from '@wedsync/protocol';
import type { Actor, CommitResult, Storage } from '../../server/src/storage/storage.ts';
import type { SqlStorage } from '../src/index.ts';

/** Test data shared by the contract suite: one collection with a field of each kind, two users. */
export const F = { title: 1, body: 2, tags: 3, budget: 4 } as const;

export const schemas = compileSchemas([
  {
    name: 'notes',
    fields: {
      title: { id: F.title, kind: 'lww' },
      body: { id: F.body, kind: 'text' },
      tags: { id: F.tags, kind: 'list' },
      budget: { id: F.budget, kind: 'manual' },
    },
  },
]);

export const ann: Actor = { userId: 'u-ann', name: 'Ann', sessionId: 's-ann' };
export const bob: Actor = { userId: 'u-bob', name: 'Bob', sessionId: 's-bob' };
export const SCOPE = 'wedding:w1';
export const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);

export interface CommitInput {
  clientId?: string;
  actor?: Actor;
  scope?: string;
  nowMs?: number;
  mutations: Mutation[];
}

export function commit(storage: Storage, input: CommitInput): Promise<CommitResult> {
  return storage.commit({
    clientId: input.clientId ?? 'client-ann',
    actor: input.actor ?? ann,
    scope: input.scope ?? SCOPE,
    nowMs: input.nowMs ?? T0,
    schemas,
    mutations: input.mutations,
  });
}

export function mutation(
  mid: number,
  id: string,
  base: number,
  ops: FieldOp[],
  extra: Partial<Mutation> = {},
): Mutation {
  return { mid, c: 'notes', id, base, ops, ...extra };
}

/** The single result of a one-mutation commit. */
export async function commitOne(storage: Storage, input: CommitInput): Promise<MutationResult> {
  const { results } = await commit(storage, input);
  if (results.length !== 1) throw new Error(`expected one result, got ${results.length}`);
  return results[0]!;
}

/** Empties every sync table, so each contract test starts from an empty log (seq 0). */
export async function resetStorage(storage: SqlStorage): Promise<void> {
  await storage.sql.exec(`
    TRUNCATE sync_records, sync_history, sync_log, sync_client_mutations, sync_locks;
    UPDATE sync_head SET seq = 0, pruned_through = 0 WHERE id = 1;
  `);
}
