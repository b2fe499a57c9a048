import type { SchemaIndex } from '@wedsync/merge';
import {
  errorResponse,
  type HistoryEntry,
  historyRequestSchema,
  isErrorCode,
  rollbackRequestSchema,
} from '@wedsync/protocol';
import { isLockRefusal, projectLockRefusal } from '../locks/lock-projection.ts';
import type { DeriveRecords, Storage, StoredChange, StoredRecord } from '../storage/storage.ts';
import { describeIssues } from './mutate-handler.ts';
import type { ResolvedHooks } from './record-sync-hooks.ts';
import type { SyncEventContext } from './record-sync-host.ts';

export interface HistoryDeps {
  storage: Storage;
  schemas: SchemaIndex;
  hooks: ResolvedHooks;
  nowMs: () => number;
  /** The scopes the channel carries (resolved at join). */
  scopesOf: (topic: string) => Promise<readonly string[]>;
  committed: (changes: readonly StoredChange[]) => void;
  onError: (error: unknown, context: string) => void;
  /** Records a rollback implies, written with it (`RecordSyncOptions.derive`). */
  derive?: DeriveRecords;
}

/** The record, if it exists in one of the channel's scopes (a record elsewhere does not exist for it). */
async function recordInChannel(
  deps: HistoryDeps,
  ctx: SyncEventContext,
  c: string,
  id: string,
): Promise<StoredRecord | undefined> {
  const record = await deps.storage.getRecord(c, id);
  if (!record) return undefined;
  const scopes = await deps.scopesOf(ctx.topic);
  return scopes.includes(record.scope) ? record : undefined;
}

/**
 * `history` (R4.2): a record's versions, newest first, projected for the asking audience like every
 * change (a field hidden from you is hidden in history too, DESIGN §3). Replies `ok { entries }`.
 */
export async function handleHistory(deps: HistoryDeps, ctx: SyncEventContext): Promise<void> {
  const parsed = historyRequestSchema.safeParse(ctx.payload);
  if (!parsed.success) return ctx.reply('error', errorResponse('VALIDATION_FAILED', describeIssues(parsed.error)));
  const { c, id, limit, before } = parsed.data;
  try {
    const record = await recordInChannel(deps, ctx, c, id);
    if (!record) return ctx.reply('error', errorResponse('RECORD_NOT_FOUND', `No record ${c}/${id} on this channel`));
    const entries = await deps.storage.history(c, id, { limit: limit ?? 50, before });
    const visible: HistoryEntry[] = [];
    for (const entry of entries) {
      const projected = projectEntry(deps.hooks, record, entry, ctx);
      if (projected) visible.push(projected);
    }
    ctx.reply('ok', { entries: visible });
  } catch (error) {
    deps.onError(error, 'history');
    ctx.reply('error', errorResponse('STORAGE_UNAVAILABLE'));
  }
}

function projectEntry(
  hooks: ResolvedHooks,
  record: StoredRecord,
  entry: HistoryEntry,
  ctx: SyncEventContext,
): HistoryEntry | undefined {
  const at = entry.at;
  const change = hooks.projectChange(
    { scope: record.scope, seq: entry.seq, c: record.c, id: record.id, v: entry.v, ops: entry.ops, by: entry.by, at },
    ctx.session,
    ctx.topic,
  );
  const snapshot = hooks.projectRecord(
    { ...record, v: entry.v, fields: entry.fields, del: undefined },
    ctx.session,
    ctx.topic,
  );
  if (!change || !snapshot) return undefined;
  const projected: HistoryEntry = {
    v: entry.v,
    seq: entry.seq,
    by: change.by,
    at,
    ops: change.ops,
    fields: snapshot.fields,
  };
  if (entry.rollbackOf !== undefined) projected.rollbackOf = entry.rollbackOf;
  return projected;
}

/**
 * `rollback` (R4.2): writes a new, audited version whose fields equal version `to`; replies
 * `ok { v, seq }` after the commit, and the change is delivered like any other.
 */
export async function handleRollback(deps: HistoryDeps, ctx: SyncEventContext): Promise<void> {
  const parsed = rollbackRequestSchema.safeParse(ctx.payload);
  if (!parsed.success) return ctx.reply('error', errorResponse('VALIDATION_FAILED', describeIssues(parsed.error)));
  const { c, id, to } = parsed.data;
  try {
    const record = await recordInChannel(deps, ctx, c, id);
    if (!record) return ctx.reply('error', errorResponse('RECORD_NOT_FOUND', `No record ${c}/${id} on this channel`));
    const fieldIds = [...(deps.schemas.collection(c)?.byId.keys() ?? [])];
    const denial = await deps.hooks.authorizeRollback({
      session: ctx.session,
      topic: ctx.topic,
      scope: record.scope,
      c,
      id,
      to,
      fieldIds,
    });
    if (denial) return ctx.reply('error', errorResponse(denial.code, denial.message));
    const outcome = await deps.storage.rollback({
      scope: record.scope,
      c,
      id,
      toVersion: to,
      actor: await deps.hooks.actorForWrite({ session: ctx.session, topic: ctx.topic, scope: record.scope }),
      schemas: deps.schemas,
      nowMs: deps.nowMs(),
      ...(deps.derive ? { derive: deps.derive } : {}),
    });
    if ('error' in outcome) {
      const code = isErrorCode(outcome.error.code) ? outcome.error.code : 'SERVER_ERROR';
      if (!isLockRefusal(code) || !outcome.error.details)
        return ctx.reply('error', errorResponse(code, outcome.error.message));
      // R14.2: the lock's holder as the requester's audience may see them.
      const { message, details } = projectLockRefusal(
        deps.hooks,
        { message: outcome.error.message, details: outcome.error.details },
        record,
        ctx.session,
        ctx.topic,
        deps.onError,
      );
      return ctx.reply('error', errorResponse(code, message, details));
    }
    ctx.reply('ok', { v: outcome.change.v, seq: outcome.change.seq });
    deps.committed([outcome.change, ...outcome.derived]);
  } catch (error) {
    deps.onError(error, 'rollback');
    ctx.reply('error', errorResponse('STORAGE_UNAVAILABLE'));
  }
}
