import type { SchemaIndex } from '@wedsync/merge';
import {
  ERROR_CODES,
  type ErrorCode,
  errorResponse,
  MAX_MUTATIONS_PER_BATCH,
  type MutateReply,
  type Mutation,
  type MutationResult,
  mutationSchema,
} from '@wedsync/protocol';
import { projectMutationResult } from '../locks/lock-projection.ts';
import type { Actor, CommitResult, DeriveRecords, Storage, StoredChange } from '../storage/storage.ts';
import { storageClientId } from './client-identity.ts';
import { inflateMutations } from './mutation-decompression.ts';
import type { ResolvedHooks } from './record-sync-hooks.ts';
import type { SyncEventContext } from './record-sync-host.ts';

export interface MutateDeps {
  storage: Storage;
  schemas: SchemaIndex;
  hooks: ResolvedHooks;
  nowMs: () => number;
  /** Called after every commit with the changes it wrote (delivery and bus hint). */
  committed: (changes: readonly StoredChange[]) => void;
  onError: (error: unknown, context: string) => void;
  /** Records the applied mutations imply, written with them (`RecordSyncOptions.derive`). */
  derive?: DeriveRecords;
}

/** Checks the batch envelope; each mutation is validated on its own so one bad mutation leaves the rest. */
function parseEnvelope(payload: unknown): { clientId: string; mutations: unknown[] } | string {
  const { clientId, mutations } = (payload ?? {}) as { clientId?: unknown; mutations?: unknown };
  if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > 128) {
    return 'clientId must be a string of 1–128 characters';
  }
  if (!Array.isArray(mutations) || mutations.length === 0 || mutations.length > MAX_MUTATIONS_PER_BATCH) {
    return `mutations must be an array of 1–${MAX_MUTATIONS_PER_BATCH} mutations`;
  }
  return { clientId, mutations };
}

/** One line per schema issue: `path: message`. */
export function describeIssues(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}): string {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(payload)'}: ${issue.message}`).join('; ');
}

/**
 * `sync_mutate` (DESIGN §1, R3, R4, R11.2): validates, authorises each mutation, commits the rest in
 * one storage call, and replies `ok { results }` only after the commit, one result per mutation in
 * request order. A storage failure replies `STORAGE_UNAVAILABLE` (retryable: the replay of the same
 * `(clientId, mid)` is acknowledged as `duplicate` if the commit did happen).
 */
export async function handleMutate(deps: MutateDeps, ctx: SyncEventContext): Promise<void> {
  const envelope = parseEnvelope(ctx.payload);
  if (typeof envelope === 'string') {
    ctx.reply('error', errorResponse('VALIDATION_FAILED', envelope));
    return;
  }
  const { clientId, mutations: raw } = envelope;
  // Compressed slots are expanded before validation; a zip bomb refuses the whole message (R12.2).
  const inflated = inflateMutations(raw);
  if ('tooLarge' in inflated) {
    ctx.reply('error', errorResponse('PAYLOAD_TOO_LARGE', inflated.tooLarge));
    return;
  }
  const results: (MutationResult | undefined)[] = new Array(raw.length).fill(undefined);
  const accepted: { index: number; mutation: Mutation }[] = [];
  let scope: string;
  let actor: Actor;
  try {
    scope = await deps.hooks.scopeForTopic(ctx.topic, ctx.session);
    actor = await deps.hooks.actorForWrite({ session: ctx.session, topic: ctx.topic, scope });
    await Promise.all(
      raw.map(async (item, index) => {
        const expanded = inflated.items[index];
        if (!expanded || 'error' in expanded) {
          results[index] = rejected(item, 'VALIDATION_FAILED', expanded?.error);
          return;
        }
        const parsed = mutationSchema.safeParse(expanded.item);
        if (!parsed.success) {
          results[index] = rejected(item, 'VALIDATION_FAILED', describeIssues(parsed.error));
          return;
        }
        const mutation = parsed.data;
        const unknown = unknownTarget(deps.schemas, mutation);
        if (unknown) {
          results[index] = { mid: mutation.mid, status: 'rejected', ...unknown };
          return;
        }
        const denial = await deps.hooks.authorizeMutation({ session: ctx.session, topic: ctx.topic, scope, mutation });
        if (denial) {
          results[index] = rejected(mutation, denial.code, denial.message);
          return;
        }
        accepted.push({ index, mutation });
      }),
    );
  } catch (error) {
    deps.onError(error, 'sync_mutate authorisation');
    ctx.reply('error', errorResponse('SERVER_ERROR'));
    return;
  }
  accepted.sort((a, b) => a.index - b.index);
  if (accepted.length > 0) {
    let outcome: CommitResult;
    try {
      outcome = await deps.storage.commit({
        clientId: storageClientId(ctx.session.user.id, clientId),
        actor,
        scope,
        mutations: accepted.map((entry) => entry.mutation),
        schemas: deps.schemas,
        nowMs: deps.nowMs(),
        ...(deps.derive ? { derive: deps.derive } : {}),
      });
    } catch (error) {
      deps.onError(error, 'sync_mutate commit');
      ctx.reply('error', errorResponse('STORAGE_UNAVAILABLE'));
      return;
    }
    accepted.forEach((entry, position) => {
      const result = outcome.results[position];
      // A FIELD_LOCKED / RECORD_LOCKED refusal names the holder as the writer's audience may see them (R14.2).
      results[entry.index] = result
        ? projectMutationResult(deps.hooks, result, { scope, ...entry.mutation }, ctx.session, ctx.topic, deps.onError)
        : rejected(entry.mutation, 'SERVER_ERROR');
    });
    ctx.reply('ok', { results: fill(results, raw) } satisfies MutateReply);
    // After the ack, so the originating client sees its ack before the echo of its own change.
    deps.committed(outcome.changes);
    return;
  }
  ctx.reply('ok', { results: fill(results, raw) } satisfies MutateReply);
}

function fill(results: readonly (MutationResult | undefined)[], raw: readonly unknown[]): MutationResult[] {
  return results.map((result, index) => result ?? rejected(raw[index], 'SERVER_ERROR'));
}

function rejected(item: unknown, code: ErrorCode, message?: string): MutationResult {
  const mid = (item as { mid?: unknown } | null)?.mid;
  return {
    mid: typeof mid === 'number' && Number.isFinite(mid) ? mid : 0,
    status: 'rejected',
    code,
    message: message ?? ERROR_CODES[code].message,
  };
}

/** Checks collection and field ids against the schema before any database work. */
function unknownTarget(schemas: SchemaIndex, mutation: Mutation): { code: ErrorCode; message: string } | undefined {
  const collection = schemas.collection(mutation.c);
  if (!collection) return { code: 'UNKNOWN_COLLECTION', message: `No collection "${mutation.c}"` };
  const missing = mutation.ops.find((op) => !collection.byId.has(op.f));
  if (missing) return { code: 'UNKNOWN_FIELD', message: `No field ${missing.f} in "${mutation.c}"` };
  return undefined;
}
