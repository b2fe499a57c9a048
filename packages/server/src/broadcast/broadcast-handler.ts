import { broadcastPayloadSchema, errorReplyFrame, type Frame, replyFrame } from '@wedsync/protocol';
import type { EngineContext } from '../channels/engine-context.ts';
import type { Membership } from '../session/session.ts';

/**
 * A client `broadcast` (reference §1.7): fanned out to every member of the topic on every node,
 * the sender included only with `config.broadcast.self`; with `config.broadcast.ack` the ok reply
 * follows the bus publish. Raw-binary payloads (vsn 2.0.0 kind 3, encoding 0) go out as kind 4 frames.
 */
export async function handleBroadcast(
  ctx: EngineContext,
  member: Membership,
  frame: Frame,
  rawBinary: boolean,
): Promise<void> {
  const { session } = member;
  const parsed = broadcastPayloadSchema.safeParse(frame.payload);
  if (!parsed.success) {
    session.send(
      errorReplyFrame(frame, 'VALIDATION_FAILED', 'A broadcast needs {type:"broadcast", event: string, payload}'),
    );
    return;
  }
  const { event, payload } = parsed.data;
  const excludeSessionId = member.broadcastSelf ? undefined : session.id;
  const publishing =
    rawBinary && payload instanceof Uint8Array
      ? ctx.delivery.publishBinary(member.topic, event, payload, excludeSessionId)
      : ctx.delivery.publish(member.topic, 'broadcast', { type: 'broadcast', event, payload }, excludeSessionId);
  if (!member.broadcastAck || frame.ref === null) {
    publishing.catch((error: unknown) =>
      ctx.logger.warn({ err: error, topic: member.topic }, 'broadcast bus publish failed'),
    );
    return;
  }
  try {
    await publishing;
    session.send(replyFrame(frame, 'ok', {}));
  } catch (error) {
    ctx.logger.warn({ err: error, topic: member.topic }, 'broadcast bus publish failed');
    session.send(errorReplyFrame(frame, 'SERVER_ERROR', 'The broadcast reached this node only'));
  }
}
