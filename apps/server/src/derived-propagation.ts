import type { LivePropagationPayload } from '@wedsync/protocol';
import type { RealtimeServer, RecordSync } from '@wedsync/server';
import {
  type AppliedChange,
  type Audience,
  actorFor,
  actorLabel,
  actorName,
  audienceKey,
  type PropagationEvent,
  type WeddingModel,
} from '@wedsync/wedding';

/** The primary channel of an audience: where its live derived events go. */
export function audienceTopic(audience: Audience): string {
  return audience.kind === 'couple' ? `couple:${audience.coupleId}` : `supplier:${audience.supplierId}`;
}

/** The audience a member of `topic` belongs to, by the rights of now (undefined when none). */
export function audienceOfMember(
  model: WeddingModel,
  session: { user: { id: string } },
  topic: string,
): string | undefined {
  const decision = model.canJoin(session.user.id, topic);
  return decision.ok ? audienceKey(decision.audience) : undefined;
}

/** One propagation event as its audience receives it (the actor anonymised for the couple, R14.2). */
export function propagationPayload(model: WeddingModel, event: PropagationEvent): LivePropagationPayload {
  const { audience, anonymous, by: userId, atMs, ...rest } = event;
  const label = actorLabel(userId, anonymous);
  return {
    ...rest,
    by: actorFor(audience, label),
    byName: actorName(model.directory, label, audience),
    at: new Date(atMs).toISOString(),
  } as LivePropagationPayload;
}

/**
 * Live core-field propagation (R3.1, R3.2, R3.3): every event `model.propagate` raises for a change is
 * pushed to this node's members of its audience's primary channel, and a bound form field also to
 * that audience's members of `form:{formId}`. Every node follows the log and raises the same events,
 * so each delivers to its own members only (`deliverLocal`): nobody gets a copy per node.
 */
export function deliverPropagation(model: WeddingModel, realtime: RealtimeServer, applied: AppliedChange): number {
  let frames = 0;
  for (const event of model.propagate(applied)) {
    const payload = propagationPayload(model, event);
    frames += realtime.deliverLocal(audienceTopic(event.audience), event.kind, payload);
    if (event.kind === 'bound_form_field') {
      const topic = `form:${event.formId}`;
      const key = audienceKey(event.audience);
      frames += realtime.deliverLocal(topic, event.kind, (session) =>
        audienceOfMember(model, session, topic) === key ? payload : undefined,
      );
    }
  }
  return frames;
}

/**
 * R14.2 "changing a sharing setting takes effect live": the members of each audience whose view of a
 * record changed get a fresh snapshot of the channels named, projected with the new sharing, so the
 * field disappears from (or appears on) the supplier's screen at once.
 */
export async function resendReprojections(
  model: WeddingModel,
  sync: RecordSync,
  applied: AppliedChange,
): Promise<void> {
  for (const reprojection of model.reprojections(applied)) {
    const key = audienceKey(reprojection.audience);
    await sync.resendSnapshots(
      reprojection.topics,
      (session, topic) => audienceOfMember(model, session, topic) === key,
    );
  }
}
