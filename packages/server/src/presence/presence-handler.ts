import { errorReplyFrame, type Frame, presencePayloadSchema, replyFrame } from '@wedsync/protocol';
import type { EngineContext } from '../channels/engine-context.ts';
import type { Membership } from '../session/session.ts';

/** Activity states a presence meta may carry (R4.3: green active, grey idle). */
export const PRESENCE_STATUSES = ['active', 'idle'] as const;

/**
 * A client `presence` push (reference §1.8): `{event:'track', payload:{...}}` or `{event:'untrack'}`.
 * Re-tracking replaces the member's meta (peers see leave + join). A `status` in the payload must
 * be 'active' or 'idle'. Replies ok when the push has a ref.
 */
export function handlePresence(ctx: EngineContext, member: Membership, frame: Frame): void {
  const { session } = member;
  const parsed = presencePayloadSchema.safeParse(frame.payload);
  if (!parsed.success) {
    session.send(
      errorReplyFrame(
        frame,
        'VALIDATION_FAILED',
        'Presence payload must be {event:"track", payload:{...}} or {event:"untrack"}',
      ),
    );
    return;
  }
  if (parsed.data.event === 'track') {
    const meta = parsed.data.payload;
    if (meta.status !== undefined && !(PRESENCE_STATUSES as readonly unknown[]).includes(meta.status)) {
      session.send(errorReplyFrame(frame, 'VALIDATION_FAILED', 'Presence status must be "active" or "idle"'));
      return;
    }
    ctx.presence.track(member, meta);
  } else {
    ctx.presence.untrack(member);
  }
  if (frame.ref !== null) session.send(replyFrame(frame, 'ok', {}));
}
