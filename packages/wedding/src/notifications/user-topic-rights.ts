import {
  type Change,
  type ErrorCode,
  type LockRequest,
  type Mutation,
  parseUserTopic,
  type RecordSnapshot,
} from '@wedsync/protocol';
import { fieldIdOf } from '../collections/wedding-schemas.ts';
import { userScope } from '../rights/audience.ts';

type Decision = true | { ok: false; code: ErrorCode; message: string };
type Denial = { code: 'FORBIDDEN' | 'READ_ONLY'; message?: string } | undefined;
interface Session {
  id: string;
  user: { id: string };
}
interface TopicContext {
  user: { id: string };
  topic: string;
}

const READ_AT_FIELD = fieldIdOf('notifications', 'readAtMs');

/**
 * `user:{userId}` topics (R5.3) on top of the wedding realtime hooks: only that person may join or
 * send on their own topic (FORBIDDEN otherwise); every other topic goes to the wrapped hooks.
 */
export function withUserTopics<
  H extends { authorizeJoin(ctx: TopicContext): Decision; authorizeMessage(ctx: TopicContext): Decision },
>(hooks: H): H {
  const own = (ctx: TopicContext): Decision | undefined => {
    const owner = parseUserTopic(ctx.topic);
    if (owner === undefined) return undefined;
    return owner === ctx.user.id
      ? true
      : { ok: false, code: 'FORBIDDEN', message: 'You may only join your own user topic' };
  };
  return {
    ...hooks,
    authorizeJoin: (ctx: TopicContext) => own(ctx) ?? hooks.authorizeJoin(ctx),
    authorizeMessage: (ctx: TopicContext) => own(ctx) ?? hooks.authorizeMessage(ctx),
  };
}

/**
 * Record sync of `user:{userId}` topics (R5.3) on top of the wedding record-sync hooks: the topic
 * carries the scope `user:{userId}` (the person's notifications), shown unprojected to its owner.
 * Its owner may only mark existing notifications read/unread (`readAtMs`: epoch ms or null) and
 * delete them (clear); creating notifications, locks and rollbacks are the server's alone.
 */
export function withUserTopicSync<
  H extends {
    scopesForTopic(topic: string): readonly string[];
    scopeForTopic(topic: string, session: Session): string;
    authorizeMutation(ctx: { session: Session; topic: string; scope: string; mutation: Mutation }): Denial;
    authorizeLock(ctx: { session: Session; topic: string; scope: string; request: LockRequest }): Denial;
    authorizeRollback(ctx: { session: Session; topic: string; scope: string; c: string; id: string }): Denial;
    audienceKey(session: Session, topic: string): string;
    projectChange(change: Change & { scope: string }, session: Session, topic: string): Change | undefined;
    projectRecord(
      record: RecordSnapshot & { scope: string },
      session: Session,
      topic: string,
    ): RecordSnapshot | undefined;
  },
>(hooks: H, records: { getRecord(c: string, id: string): Promise<{ scope: string; del?: boolean } | undefined> }) {
  const forbidden = (message: string): Denial => ({ code: 'FORBIDDEN', message });
  return {
    ...hooks,
    scopesForTopic: (topic: string) => {
      const owner = parseUserTopic(topic);
      return owner ? [userScope(owner)] : hooks.scopesForTopic(topic);
    },
    scopeForTopic: (topic: string, session: Session) => {
      const owner = parseUserTopic(topic);
      return owner ? userScope(owner) : hooks.scopeForTopic(topic, session);
    },
    async authorizeMutation(ctx: {
      session: Session;
      topic: string;
      scope: string;
      mutation: Mutation;
    }): Promise<Denial> {
      const owner = parseUserTopic(ctx.topic);
      if (owner === undefined) return hooks.authorizeMutation(ctx);
      const { mutation } = ctx;
      if (owner !== ctx.session.user.id) return forbidden('Only its owner may write a user topic');
      if (mutation.c !== 'notifications') return forbidden(`${mutation.c} cannot be written on a user topic`);
      const readToggle = mutation.ops.every(
        (op) =>
          op.k === 'set' &&
          op.f === READ_AT_FIELD &&
          (op.v === null || (typeof op.v === 'number' && Number.isFinite(op.v))),
      );
      if (!readToggle || (mutation.del && mutation.ops.length > 0)) {
        return forbidden('Notifications can only be marked read/unread (readAtMs) or deleted');
      }
      const existing = await records.getRecord(mutation.c, mutation.id);
      if (!existing || existing.scope !== userScope(owner) || existing.del) {
        return forbidden(`No notification ${mutation.id} of yours`);
      }
      return undefined;
    },
    authorizeLock: (ctx: { session: Session; topic: string; scope: string; request: LockRequest }) =>
      parseUserTopic(ctx.topic) ? forbidden('Notifications take no locks') : hooks.authorizeLock(ctx),
    authorizeRollback: (ctx: { session: Session; topic: string; scope: string; c: string; id: string }) =>
      parseUserTopic(ctx.topic) ? forbidden('Notifications have no rollback') : hooks.authorizeRollback(ctx),
    audienceKey: (session: Session, topic: string) => {
      const owner = parseUserTopic(topic);
      return owner ? `user:${owner}` : hooks.audienceKey(session, topic);
    },
    projectChange: (change: Change & { scope: string }, session: Session, topic: string) => {
      const owner = parseUserTopic(topic);
      if (owner === undefined) return hooks.projectChange(change, session, topic);
      return owner === session.user.id && change.scope === userScope(owner) ? change : undefined;
    },
    projectRecord: (record: RecordSnapshot & { scope: string }, session: Session, topic: string) => {
      const owner = parseUserTopic(topic);
      if (owner === undefined) return hooks.projectRecord(record, session, topic);
      return owner === session.user.id && record.scope === userScope(owner) ? record : undefined;
    },
  };
}
