import { encodeUserBroadcast, type SerializerVersion } from '@wedsync/protocol';
import type { Logger } from 'pino';
import type { TopicIndex } from '../channels/topic-index.ts';
import { topicSubject } from '../channels/topic-index.ts';
import type { FanoutBus } from '../fanout/fanout-bus.ts';
import type { Membership } from '../session/session.ts';
import type { TopicBusMessage } from './bus-messages.ts';

/**
 * Fan-out of one message to a topic's members (DESIGN §7): the payload is serialised once, the frame
 * once per (serializer, wire topic form), and the same Buffer is queued to every recipient. Across
 * nodes the message is published once on the topic's bus subject.
 */
export class TopicDelivery {
  constructor(private readonly deps: { nodeId: string; bus: FanoutBus; topics: TopicIndex; logger: Logger }) {}

  /** Local members plus one bus publish for the other nodes; the payload is serialised once for both. */
  async publish(topic: string, event: string, payload: unknown, excludeSessionId?: string): Promise<void> {
    const frames = new FrameCache(event, payload);
    this.deliverFrames(topic, frames, undefined, excludeSessionId);
    await this.deps.bus.publish(topicSubject(topic), frames.busMessage(this.deps.nodeId, excludeSessionId));
  }

  /** Raw-binary user broadcast (kind 4 frames to vsn 2.0.0 members; vsn 1.0.0 members cannot decode binary and are skipped). */
  async publishBinary(topic: string, userEvent: string, bytes: Uint8Array, excludeSessionId?: string): Promise<void> {
    const message: TopicBusMessage = {
      k: 'mb',
      n: this.deps.nodeId,
      ue: userEvent,
      b64: Buffer.from(bytes).toString('base64'),
    };
    if (excludeSessionId) message.x = excludeSessionId;
    this.deliverLocalBinary(topic, userEvent, bytes, excludeSessionId);
    await this.deps.bus.publish(topicSubject(topic), JSON.stringify(message));
  }

  /** Handles `m` / `mb` from other nodes. */
  onBusMessage(topic: string, message: TopicBusMessage): void {
    if (message.n === this.deps.nodeId) return;
    if (message.k === 'm' && typeof message.e === 'string')
      this.deliverLocal(topic, message.e, message.p, undefined, message.x);
    else if (message.k === 'mb' && typeof message.ue === 'string' && typeof message.b64 === 'string') {
      this.deliverLocalBinary(topic, message.ue, Buffer.from(message.b64, 'base64'), message.x);
    }
  }

  /** Pushes `[null, null, topic, event, payload]` to local members (optionally filtered). Returns frames queued. */
  deliverLocal(
    topic: string,
    event: string,
    payload: unknown,
    filter?: (member: Membership) => boolean,
    excludeSessionId?: string,
  ): number {
    return this.deliverFrames(topic, new FrameCache(event, payload), filter, excludeSessionId);
  }

  private deliverFrames(
    topic: string,
    frames: FrameCache,
    filter?: (member: Membership) => boolean,
    excludeSessionId?: string,
  ): number {
    let sent = 0;
    for (const member of this.deps.topics.members(topic)) {
      if (member.session.id === excludeSessionId || (filter && !filter(member))) continue;
      member.session.sendRaw(frames.get(member.session.vsn, member.wireTopic), false);
      sent++;
    }
    return sent;
  }

  /** Per-audience projection: `payloadFor` per member; each distinct returned value is serialised once. */
  deliverProjected(topic: string, event: string, payloadFor: (member: Membership) => unknown): number {
    const caches = new Map<unknown, FrameCache>();
    let sent = 0;
    for (const member of this.deps.topics.members(topic)) {
      const payload = payloadFor(member);
      if (payload === undefined) continue;
      let frames = caches.get(payload);
      if (!frames) {
        frames = new FrameCache(event, payload);
        caches.set(payload, frames);
      }
      member.session.sendRaw(frames.get(member.session.vsn, member.wireTopic), false);
      sent++;
    }
    return sent;
  }

  private deliverLocalBinary(topic: string, userEvent: string, bytes: Uint8Array, excludeSessionId?: string): void {
    const byWireTopic = new Map<string, Uint8Array | null>();
    for (const member of this.deps.topics.members(topic)) {
      if (member.session.id === excludeSessionId || member.session.vsn !== '2.0.0') continue;
      let frame = byWireTopic.get(member.wireTopic);
      if (frame === undefined) {
        try {
          frame = encodeUserBroadcast(member.wireTopic, userEvent, bytes);
        } catch (error) {
          this.deps.logger.debug({ err: error, topic }, 'binary broadcast header too long');
          frame = null;
        }
        byWireTopic.set(member.wireTopic, frame);
      }
      if (frame) member.session.sendRaw(frame, true);
    }
  }
}

/** One message's frame bytes per (serializer, wire topic); the payload JSON is produced once. */
class FrameCache {
  private payloadJson: string | undefined;
  private readonly frames = new Map<string, Buffer>();

  constructor(
    private readonly event: string,
    private readonly payload: unknown,
  ) {}

  /**
   * The `m` bus message (`TopicBusMessage`) for this push, built around the same payload JSON as the
   * local frames (equal to `JSON.stringify({ k, n, e, p, x })`, with an absent payload as `null`).
   */
  busMessage(nodeId: string, excludeSessionId: string | undefined): string {
    this.payloadJson ??= JSON.stringify(this.payload ?? null);
    const exclude = excludeSessionId ? `,"x":${JSON.stringify(excludeSessionId)}` : '';
    return `{"k":"m","n":${JSON.stringify(nodeId)},"e":${JSON.stringify(this.event)},"p":${this.payloadJson}${exclude}}`;
  }

  get(vsn: SerializerVersion, wireTopic: string): Buffer {
    const key = vsn === '2.0.0' ? wireTopic : `\u0000${wireTopic}`;
    let frame = this.frames.get(key);
    if (!frame) {
      this.payloadJson ??= JSON.stringify(this.payload ?? null);
      const topicJson = JSON.stringify(wireTopic);
      const eventJson = JSON.stringify(this.event);
      const text =
        vsn === '2.0.0'
          ? `[null,null,${topicJson},${eventJson},${this.payloadJson}]`
          : `{"topic":${topicJson},"event":${eventJson},"payload":${this.payloadJson},"ref":null,"join_ref":null}`;
      frame = Buffer.from(text);
      this.frames.set(key, frame);
    }
    return frame;
  }
}
