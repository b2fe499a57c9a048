import {
  type ErrorCode,
  EVENTS,
  errorReplyFrame,
  type Frame,
  joinPayloadSchema,
  MAX_TOPIC_LENGTH,
  parseTopic,
  replyFrame,
  stripSupabasePrefix,
} from '@wedsync/protocol';
import { authenticateJoin } from '../auth/session-auth.ts';
import type { Membership, Session } from '../session/session.ts';
import { removeMembership } from './channel-lifecycle.ts';
import { decide, type EngineContext } from './engine-context.ts';

/**
 * `phx_join` (R2.2, R2.4, reference §1.4–1.6). Order: shutdown → topic → payload → token → duplicate
 * join (old one gets phx_close) → channel limit → `authorizeJoin` → bus subscription → ok reply
 * `{postgres_changes: [...with numeric ids]}` → `presence_state` (if presence enabled) → onJoin listeners.
 * A refusal is `phx_reply {status:'error', response:{reason:'CODE: message'}}`.
 */
export async function handleJoin(ctx: EngineContext, session: Session, frame: Frame): Promise<void> {
  if (ctx.shuttingDown) return refuseJoin(ctx, session, frame, 'SERVER_SHUTTING_DOWN');
  const wireTopic = frame.topic;
  const topic = stripSupabasePrefix(wireTopic);
  if (topic.length === 0 || wireTopic.length > MAX_TOPIC_LENGTH) {
    return refuseJoin(
      ctx,
      session,
      frame,
      'TOPIC_INVALID',
      `The topic must be 1–${MAX_TOPIC_LENGTH} characters after the "realtime:" prefix`,
    );
  }
  const parsed = joinPayloadSchema.safeParse(frame.payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuseJoin(
      ctx,
      session,
      frame,
      'VALIDATION_FAILED',
      `Invalid join payload at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const payload = parsed.data;
  const auth = await authenticateJoin(ctx, session, payload);
  if (!auth.ok) return refuseJoin(ctx, session, frame, auth.code, auth.message);
  if (session.closed || !session.user) return;

  const existing = session.memberships.get(topic);
  if (existing) {
    session.send({
      joinRef: existing.joinRef,
      ref: existing.joinRef,
      topic: existing.wireTopic,
      event: EVENTS.close,
      payload: {},
    });
    removeMembership(ctx, existing, 'leave');
  }
  const max = ctx.limits.maxChannelsPerConnection;
  if (session.memberships.size >= max)
    return refuseJoin(ctx, session, frame, 'SUBSCRIPTION_LIMIT', `Too many channels on this connection (max ${max})`);

  const topicParse = parseTopic(topic);
  const parsedTopic = topicParse.ok ? topicParse.value : undefined;
  const user = session.user;
  const decision = await decide(ctx, () =>
    ctx.authorizeJoin({ user, topic, parsedTopic, payload, session: session.info() }),
  );
  if (decision !== true) return refuseJoin(ctx, session, frame, decision.code, decision.message);
  if (session.closed) return;

  const config = payload.config ?? {};
  const presenceKey = config.presence?.key ?? '';
  const member: Membership = {
    session,
    topic,
    wireTopic,
    joinRef: frame.joinRef,
    joinPayloadJson: ctx.keepsJoinPayloads ? JSON.stringify(payload) : undefined,
    parsedTopic,
    broadcastSelf: config.broadcast?.self === true,
    broadcastAck: config.broadcast?.ack === true,
    presenceEnabled: config.presence?.enabled === true || presenceKey.length > 0,
    presenceKey: presenceKey.length > 0 ? presenceKey : crypto.randomUUID(),
    presence: undefined,
  };
  const wanted = () => !session.closed && !session.memberships.has(topic);
  if (!(await ctx.topics.add(member, wanted))) return;
  session.memberships.set(topic, member);

  const postgresChanges = (config.postgres_changes ?? []).map((change) => ({ ...change, id: bindingId(change) }));
  session.send(replyFrame(frame, 'ok', { postgres_changes: postgresChanges }));
  if (member.presenceEnabled) {
    session.send({
      joinRef: member.joinRef,
      ref: null,
      topic: wireTopic,
      event: EVENTS.presenceState,
      payload: ctx.presence.state(topic),
    });
  }
  ctx.audit.join(session, topic);
  if (ctx.joinListeners.size === 0) return;
  const info = session.info();
  const push = (event: string, pushPayload: unknown) =>
    session.send({ joinRef: member.joinRef, ref: null, topic: wireTopic, event, payload: pushPayload });
  for (const listener of ctx.joinListeners) {
    try {
      await listener({ session: info, topic, wireTopic, joinRef: member.joinRef, payload, push });
    } catch (error) {
      ctx.logger.error({ err: error, topic }, 'onJoin listener threw');
    }
  }
}

/** A refused join: metrics, audit, and the error reply. */
function refuseJoin(ctx: EngineContext, session: Session, frame: Frame, code: ErrorCode, message?: string): void {
  ctx.metrics.joinsRefused.inc({ code });
  ctx.audit.joinRefused(session, stripSupabasePrefix(frame.topic), code);
  session.send(errorReplyFrame(frame, code, message));
}

/** A stable 32-bit number per postgres_changes binding (FNV-1a of its identifying fields); realtime-js matches events by it. */
function bindingId(change: { event?: string; schema?: string; table?: string; filter?: string }): number {
  const text = JSON.stringify([change.event ?? '*', change.schema ?? '', change.table ?? '', change.filter ?? '']);
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
