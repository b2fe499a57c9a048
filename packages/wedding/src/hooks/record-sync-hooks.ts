import {
  type Change,
  type LockRequest,
  type LockStatePayload,
  type Mutation,
  parseTopic,
  type RecordSnapshot,
} from '@wedsync/protocol';
import { collectionNamed } from '../collections/wedding-schemas.ts';
import type { Directory } from '../directory/directory.ts';
import { projectLockState } from '../projection/lock-projection.ts';
import { projectChange, projectRecord } from '../projection/record-projection.ts';
import { type Audience, audienceKey, supplierScope, weddingScope } from '../rights/audience.ts';
import { canJoin } from '../rights/join-rights.ts';
import { scopesForTopic } from '../rights/topic-contents.ts';
import { audienceSees } from '../rights/visibility.ts';
import { authorizeMutation, canWrite } from '../rights/write-rights.ts';

interface Session {
  id: string;
  user: { id: string };
}
type Denial = { code: 'FORBIDDEN' | 'READ_ONLY'; message?: string } | undefined;

/** Audience key of a session whose rights are gone (it is about to be revoked): it sees nothing. */
const NO_AUDIENCE = '-';

/**
 * The record-sync hooks (`attachRecordSync(server, { hooks })`, DESIGN §3) for the WedSync model:
 * topic → scopes, the scope writes go to, per-mutation/lock/rollback rights, and per-audience
 * projection (changes, records, locks) keyed `couple:{id}` / `team:{id}` so each change is projected
 * once per audience.
 *
 * Scope written through a topic: supplier topics → `supplier:{S}`; couple topics, `wedding:{W}` and
 * `journey:{J}:{C}` → the wedding; `form:{F}` → the couple's wedding for a partner (answers), the
 * supplier's scope for the team (the form itself). A record of another scope is refused with a
 * message naming the topic to use.
 */
export function weddingRecordSyncHooks(directory: Directory) {
  const audienceOf = (session: Session, topic: string): Audience | undefined => {
    const decision = canJoin(directory, session.user.id, topic);
    return decision.ok ? decision.audience : undefined;
  };
  const deny = (code: string, message: string): Denial => ({
    code: code === 'READ_ONLY' ? 'READ_ONLY' : 'FORBIDDEN',
    message: code === 'READ_ONLY' || code === 'FORBIDDEN' ? message : `${code}: ${message}`,
  });

  return {
    scopesForTopic(topic: string): readonly string[] {
      const parsed = parseTopic(topic);
      return parsed.ok ? scopesForTopic(directory, parsed.value) : [];
    },
    scopeForTopic(topic: string, session: Session): string {
      const parsed = parseTopic(topic);
      if (!parsed.ok) return topic;
      const t = parsed.value;
      switch (t.kind) {
        case 'supplier':
        case 'supplier_team':
        case 'supplier_clients':
        case 'supplier_forms':
        case 'supplier_journeys':
          return supplierScope(t.supplierId);
        case 'couple':
        case 'couple_suppliers':
        case 'couple_tasks':
        case 'couple_timeline': {
          const weddingId = directory.weddingOfCouple(t.coupleId);
          return weddingId ? weddingScope(weddingId) : topic;
        }
        case 'wedding':
          return weddingScope(t.weddingId);
        case 'journey': {
          const weddingId = directory.weddingOfCouple(t.clientId);
          return weddingId ? weddingScope(weddingId) : topic;
        }
        case 'form': {
          const audience = audienceOf(session, topic);
          if (audience?.kind === 'couple') return weddingScope(audience.weddingId);
          const owner = directory.formOwner(t.formId);
          return owner ? supplierScope(owner) : topic;
        }
      }
    },
    authorizeMutation(ctx: { session: Session; topic: string; scope: string; mutation: Mutation }): Denial {
      const decision = authorizeMutation(directory, ctx.session.user.id, ctx.topic, ctx.mutation);
      if (!decision.ok) return deny(decision.code, decision.message);
      if (decision.scope !== ctx.scope) {
        return deny(
          'FORBIDDEN',
          `${ctx.mutation.c} ${ctx.mutation.id} belongs to ${decision.scope}; write it on that topic`,
        );
      }
      return undefined;
    },
    authorizeLock(ctx: { session: Session; topic: string; scope: string; request: LockRequest }): Denial {
      const { c, id, f } = ctx.request;
      return existingRecordWrite(
        directory,
        ctx.session.user.id,
        ctx.topic,
        ctx.scope,
        c,
        id,
        f === undefined ? [] : [f],
      );
    },
    authorizeRollback(ctx: { session: Session; topic: string; scope: string; c: string; id: string }): Denial {
      const fields = Object.values(collectionNamed(ctx.c)?.fields ?? {}).map((field) => field.id);
      return existingRecordWrite(directory, ctx.session.user.id, ctx.topic, ctx.scope, ctx.c, ctx.id, fields);
    },
    audienceKey(session: Session, topic: string): string {
      const audience = audienceOf(session, topic);
      return audience ? audienceKey(audience) : NO_AUDIENCE;
    },
    projectChange(change: Change & { scope: string }, session: Session, topic: string): Change | undefined {
      const audience = audienceOf(session, topic);
      return audience && projectChange(directory, change, audience, topic);
    },
    projectRecord(
      record: RecordSnapshot & { scope: string },
      session: Session,
      topic: string,
    ): RecordSnapshot | undefined {
      const audience = audienceOf(session, topic);
      return audience && projectRecord(directory, record, audience, topic);
    },
    /** Lock notices, replies and refusals per audience: anonymous holders, hidden records (R14.2). */
    projectLockState(
      lock: LockStatePayload & { scope: string },
      session: Session,
      topic: string,
    ): LockStatePayload | undefined {
      const audience = audienceOf(session, topic);
      return audience && projectLockState(directory, audience, lock, topic);
    },
  };

  function existingRecordWrite(
    dir: Directory,
    userId: string,
    topic: string,
    scope: string,
    c: string,
    id: string,
    fieldIds: number[],
  ): Denial {
    const write = canWrite(dir, userId, topic, c, fieldIds);
    if (!write.ok) return deny(write.code, write.message);
    const record = dir.records.get(c, id);
    const audience = audienceOf({ id: '', user: { id: userId } }, topic);
    if (!record || !audience || record.scope !== scope || !audienceSees(dir, audience, record)) {
      return deny('FORBIDDEN', `You may not edit ${c} ${id} here`);
    }
    return undefined;
  }
}

export type WeddingRecordSyncHooks = ReturnType<typeof weddingRecordSyncHooks>;
