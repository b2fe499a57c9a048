import { CONTROL_SUBJECT, type ControlBusMessage, parseBusMessage } from '../broadcast/bus-messages.ts';
import { closeChannel, topicMatches } from './channel-lifecycle.ts';
import type { EngineContext } from './engine-context.ts';

/**
 * R2.2 "losing a right ends the affected subscriptions at once", on every node: the calling node
 * applies it locally and publishes one control message; the other nodes apply it on receipt.
 */
export async function revokeUser(ctx: EngineContext, userId: string, topicFilter?: string): Promise<void> {
  applyRevocation(ctx, userId, topicFilter);
  const message: ControlBusMessage = { k: 'rv', n: ctx.nodeId, u: userId };
  if (topicFilter !== undefined) message.f = topicFilter;
  await ctx.bus.publish(CONTROL_SUBJECT, JSON.stringify(message));
}

export function applyRevocation(ctx: EngineContext, userId: string, topicFilter?: string): number {
  let closed = 0;
  for (const session of ctx.sessions.forUser(userId)) {
    for (const member of [...session.memberships.values()]) {
      if (!topicMatches(member.topic, topicFilter)) continue;
      closeChannel(ctx, member, 'RIGHTS_REVOKED', `You no longer have access to ${member.topic}`, 'revoked');
      closed++;
    }
  }
  return closed;
}

/** Subscribes this node to control messages; returns the unsubscribe. */
export function subscribeControl(ctx: EngineContext): Promise<() => Promise<void>> {
  return ctx.bus.subscribe(CONTROL_SUBJECT, (text) => {
    const message = parseBusMessage<ControlBusMessage>(text);
    if (!message || message.n === ctx.nodeId) return;
    if (message.k === 'rv' && typeof message.u === 'string') {
      applyRevocation(ctx, message.u, typeof message.f === 'string' ? message.f : undefined);
    }
  });
}
