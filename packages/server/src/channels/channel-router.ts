import {
  type ErrorCode,
  EVENTS,
  errorReplyFrame,
  errorResponse,
  type Frame,
  PHOENIX_TOPIC,
  replyFrame,
  stripSupabasePrefix,
} from '@wedsync/protocol';
import type { RawData } from 'ws';
import { refreshToken } from '../auth/session-auth.ts';
import { handleBroadcast } from '../broadcast/broadcast-handler.ts';
import { handlePresence } from '../presence/presence-handler.ts';
import type { Membership, Session } from '../session/session.ts';
import { readFrame } from '../transport/frame-reader.ts';
import { handleJoin } from './channel-join.ts';
import { removeMembership } from './channel-lifecycle.ts';
import { decide, type EngineContext } from './engine-context.ts';
import type { EventContext } from './hooks.ts';

/** Events only the server sends; a client sending them gets UNKNOWN_EVENT. */
const SERVER_ONLY_EVENTS = new Set<string>([
  EVENTS.reply,
  EVENTS.close,
  EVENTS.error,
  EVENTS.presenceState,
  EVENTS.presenceDiff,
  EVENTS.system,
  EVENTS.postgresChanges,
]);

/** Events the engine handles itself; `registerEvent` refuses them. */
export const BUILT_IN_EVENTS: ReadonlySet<string> = new Set([
  ...SERVER_ONLY_EVENTS,
  EVENTS.join,
  EVENTS.leave,
  EVENTS.heartbeat,
  EVENTS.accessToken,
  EVENTS.broadcast,
  EVENTS.presence,
]);

/**
 * Entry point of every client WebSocket message. Heartbeats are answered at once; every other frame
 * is decoded, size-checked and queued to the session's ordered work chain, where it is rate-limited
 * and dispatched. Malformed input gets an error reply (addressed as well as the frame allows), never a throw.
 */
export function handleSocketMessage(ctx: EngineContext, session: Session, data: RawData, isBinary: boolean): void {
  session.lastSeenMs = ctx.nowMs();
  ctx.metrics.messagesIn.inc();
  const read = readFrame(data, isBinary, session.vsn);
  if (!read.ok) {
    ctx.metrics.malformedFrames.inc();
    session.send(errorReplyFrame(read.address, read.code, read.message));
    return;
  }
  const { frame } = read;
  if (frame.topic === PHOENIX_TOPIC && frame.event === EVENTS.heartbeat) {
    session.send(replyFrame(frame, 'ok', {}));
    return;
  }
  if (read.sizeBytes > ctx.limits.maxPayloadBytes) {
    session.send(
      errorReplyFrame(frame, 'PAYLOAD_TOO_LARGE', `Frames may be at most ${ctx.limits.maxPayloadBytes} bytes`),
    );
    return;
  }
  if (session.pendingBytes + read.sizeBytes > ctx.limits.maxPendingBytes) {
    ctx.metrics.rateLimited.inc();
    ctx.audit.rateLimited(session, stripSupabasePrefix(frame.topic));
    session.send(
      errorReplyFrame(frame, 'RATE_LIMITED', 'Too many messages waiting; slow down', { retryAfterMs: 1_000 }),
    );
    return;
  }
  session.enqueueWork(
    () => dispatch(ctx, session, frame, read.rawBinary),
    (error) => {
      ctx.logger.error({ err: error, event: frame.event, topic: frame.topic }, 'message handling failed');
      session.send(errorReplyFrame(frame, 'SERVER_ERROR'));
    },
    // Count at least a small overhead per frame, so floods of tiny frames are bounded too.
    read.sizeBytes + 64,
  );
}

async function dispatch(ctx: EngineContext, session: Session, frame: Frame, rawBinary: boolean): Promise<void> {
  const check = ctx.rateLimiter.consume(session.user ? `u:${session.user.id}` : `s:${session.id}`);
  const rate = check instanceof Promise ? await check : check;
  if (session.closed) return;
  if (!rate.ok) {
    ctx.metrics.rateLimited.inc();
    ctx.audit.rateLimited(session, stripSupabasePrefix(frame.topic));
    session.send(errorReplyFrame(frame, 'RATE_LIMITED', undefined, { retryAfterMs: rate.retryAfterMs }));
    return;
  }
  if (frame.event === EVENTS.join) return handleJoin(ctx, session, frame);
  const member = session.memberships.get(stripSupabasePrefix(frame.topic));
  if (frame.event === EVENTS.leave) {
    if (member) removeMembership(ctx, member, 'leave');
    session.send(replyFrame(frame, 'ok', {}));
    return;
  }
  if (!member || member.wireTopic !== frame.topic) {
    session.send(errorReplyFrame(frame, 'UNMATCHED_TOPIC', `unmatched topic "${frame.topic.slice(0, 200)}"`));
    return;
  }
  if (frame.event === EVENTS.accessToken)
    return refreshToken(ctx, member, (frame.payload as { access_token?: unknown }).access_token, frame.ref);
  const refuse = (code: ErrorCode, message?: string) => session.send(errorReplyFrame(frame, code, message));
  const custom = ctx.events.get(frame.event);
  const builtIn = frame.event === EVENTS.broadcast || frame.event === EVENTS.presence;
  if (!custom && !builtIn) return refuse('UNKNOWN_EVENT', `Unknown event "${frame.event.slice(0, 100)}"`);
  if (!session.tokenValid()) return refuse('TOKEN_EXPIRED', 'The access token has expired; send a fresh one');
  const user = session.user!;
  const decision = await decide(ctx, () =>
    ctx.authorizeMessage(
      {
        user,
        topic: member.topic,
        parsedTopic: member.parsedTopic,
        event: frame.event,
        payload: frame.payload,
        session: session.info(),
      },
      member,
    ),
  );
  if (session.closed || session.memberships.get(member.topic) !== member) return;
  if (decision !== true) return refuse(decision.code, decision.message);
  if (frame.event === EVENTS.broadcast) return handleBroadcast(ctx, member, frame, rawBinary);
  if (frame.event === EVENTS.presence) return handlePresence(ctx, member, frame);
  await runCustomEvent(ctx, member, frame, custom!);
}

async function runCustomEvent(
  ctx: EngineContext,
  member: Membership,
  frame: Frame,
  handler: NonNullable<ReturnType<EngineContext['events']['get']>>,
): Promise<void> {
  const { session } = member;
  let replied = false;
  const eventContext: EventContext = {
    session: session.info(),
    topic: member.topic,
    wireTopic: member.wireTopic,
    joinRef: frame.joinRef,
    ref: frame.ref,
    payload: frame.payload as Record<string, unknown>,
    reply(status, response = {}) {
      if (replied || frame.ref === null) return;
      replied = true;
      session.send(replyFrame(frame, status, response));
    },
    push(event, payload) {
      session.send({ joinRef: member.joinRef, ref: null, topic: member.wireTopic, event, payload });
    },
  };
  try {
    await handler(eventContext);
  } catch (error) {
    ctx.logger.error({ err: error, event: frame.event, topic: member.topic }, 'event handler threw');
    if (!replied) eventContext.reply('error', errorResponse('SERVER_ERROR'));
  }
}
