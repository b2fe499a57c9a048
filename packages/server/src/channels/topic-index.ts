import type { Logger } from 'pino';
import type { FanoutBus } from '../fanout/fanout-bus.ts';
import type { Membership } from '../session/session.ts';

/** Bus subject carrying one topic's ephemeral traffic (broadcasts, pushes, presence) between nodes. */
export const topicSubject = (topic: string): string => `rt:topic:${topic}`;

interface TopicEntry {
  /**
   * The topic's one member, or a Set once it has several: many topics (a user's own channel) have one
   * member, and a Set costs ~170 B (issue 9 idle footprint). Undefined: no member yet / any more.
   */
  members: Membership | Set<Membership> | undefined;
  /** Joins waiting for the bus subscription; the entry lives while this or `members` is non-zero. */
  pendingJoins: number;
  /** The bus subscription under way; undefined once it settled. */
  ready: Promise<void> | undefined;
  unsubscribe: (() => Promise<void>) | undefined;
  closed: boolean;
}

export interface TopicIndexDeps {
  bus: FanoutBus;
  logger: Logger;
  onBusMessage(topic: string, message: string): void;
  /** The node has its first member of `topic` and hears its bus traffic. */
  onTopicOpened(topic: string): void;
  /** The node's last member of `topic` left; drop per-topic state. */
  onTopicClosed(topic: string): void;
}

/**
 * This node's members per canonical topic, and one bus subscription per topic with local members
 * (subscribed before the first member is added, unsubscribed when the last leaves).
 */
export class TopicIndex {
  private readonly topics = new Map<string, TopicEntry>();
  private memberships = 0;

  constructor(private readonly deps: TopicIndexDeps) {}

  get topicCount(): number {
    return this.topics.size;
  }

  get membershipCount(): number {
    return this.memberships;
  }

  /** Whether `topic` has members here or joins waiting for its bus subscription. */
  has(topic: string): boolean {
    return this.topics.has(topic);
  }

  /** This node's members of `topic` (iterate before changing memberships of the topic). */
  members(topic: string): Iterable<Membership> {
    const members = this.topics.get(topic)?.members;
    return members === undefined ? NONE : members instanceof Set ? members : [members];
  }

  topicNames(): IterableIterator<string> {
    return this.topics.keys();
  }

  /** Adds the member once the topic's bus subscription is live. Returns false if `stillWanted` turned false meanwhile. */
  async add(member: Membership, stillWanted: () => boolean): Promise<boolean> {
    const entry = this.entryFor(member.topic);
    if (entry.ready) {
      entry.pendingJoins++;
      try {
        await entry.ready;
      } finally {
        entry.pendingJoins--;
      }
    }
    if (!stillWanted() || entry.closed) {
      this.closeIfEmpty(member.topic, entry);
      return false;
    }
    const { members } = entry;
    if (members === undefined) entry.members = member;
    else if (members instanceof Set) {
      if (members.has(member)) return true;
      members.add(member);
    } else if (members !== member) entry.members = new Set([members, member]);
    else return true;
    this.memberships++;
    return true;
  }

  remove(member: Membership): void {
    const entry = this.topics.get(member.topic);
    const members = entry?.members;
    if (!entry || members === undefined) return;
    if (members === member) entry.members = undefined;
    else if (members instanceof Set && members.delete(member)) {
      if (members.size === 1) entry.members = members.values().next().value!;
    } else return;
    this.memberships--;
    this.closeIfEmpty(member.topic, entry);
  }

  private entryFor(topic: string): TopicEntry {
    const existing = this.topics.get(topic);
    if (existing) return existing;
    const entry: TopicEntry = {
      members: undefined,
      pendingJoins: 0,
      ready: undefined,
      unsubscribe: undefined,
      closed: false,
    };
    entry.ready = this.deps.bus
      .subscribe(topicSubject(topic), (message) => {
        if (!entry.closed) this.deps.onBusMessage(topic, message);
      })
      .then(
        (unsubscribe) => {
          if (entry.closed) return void unsubscribe().catch(() => {});
          entry.unsubscribe = unsubscribe;
          this.deps.onTopicOpened(topic);
        },
        (error: unknown) => this.deps.logger.warn({ err: error, topic }, 'bus subscribe failed; topic is local-only'),
      )
      .finally(() => {
        entry.ready = undefined;
      });
    this.topics.set(topic, entry);
    return entry;
  }

  private closeIfEmpty(topic: string, entry: TopicEntry): void {
    if (entry.closed || entry.members !== undefined || entry.pendingJoins > 0) return;
    entry.closed = true;
    if (this.topics.get(topic) === entry) this.topics.delete(topic);
    entry.unsubscribe?.().catch(() => {});
    entry.unsubscribe = undefined;
    this.deps.onTopicClosed(topic);
  }

  /** Drops every subscription (server shutdown). */
  async close(): Promise<void> {
    const entries = [...this.topics.values()];
    this.topics.clear();
    this.memberships = 0;
    await Promise.allSettled(
      entries.map(async (entry) => {
        entry.closed = true;
        await entry.ready;
        await entry.unsubscribe?.();
      }),
    );
  }
}

const NONE: readonly Membership[] = [];
