import type { Change } from '@wedsync/protocol';
import type { SyncSession } from './record-sync-host.ts';

/**
 * One session's membership of one channel, as far as record sync is concerned (R11.2).
 *
 * While the channel resumes (replay or snapshot after the join), live changes are held in `pending`
 * instead of being sent; once the resume has been pushed, those with `seq > cursor` follow it. Later
 * live changes with `seq ≤ cursor` are dropped: they were in the replay or the snapshot. So nothing
 * committed between the resume read and the live stream is lost or doubled.
 */
export interface Subscription {
  readonly session: SyncSession;
  readonly topic: string;
  cursor: number;
  pending: Change[] | undefined;
  /** Pushes to this member on this channel; set when its join listener claims the subscription. */
  push: ((event: string, payload: unknown) => void) | undefined;
}

interface TopicEntry {
  /** Undefined until the channel's scopes have been resolved. */
  scopes: readonly string[] | undefined;
  members: Set<Subscription>;
}

/** This node's channels with record-sync members, the log scopes they carry, and their subscriptions. */
export class SubscriptionIndex {
  private readonly bySession = new Map<string, Map<string, Subscription>>();
  private readonly byTopic = new Map<string, TopicEntry>();
  private readonly scopeTopics = new Map<string, Set<string>>();
  private scopeList: string[] | undefined;
  /** Per carried scope, a number unique to the moment it became carried (see `linkStamp`). */
  private readonly scopeLinks = new Map<string, number>();
  private links = 0;

  /**
   * The subscription of a member whose join is being handled: the one the change pump opened for it
   * meanwhile (still holding live changes), or a new one. It holds live changes until `finishResume`.
   */
  claim(session: SyncSession, topic: string, push: (event: string, payload: unknown) => void): Subscription {
    const existing = this.get(session.id, topic);
    if (existing && !existing.push) {
      existing.push = push;
      return existing;
    }
    return this.add(session, topic, push);
  }

  /**
   * Opens a subscription that holds live changes. The change pump opens one (without `push`) for a
   * channel member it meets before that member's join listener ran, so nothing sent meanwhile is lost.
   */
  add(session: SyncSession, topic: string, push?: (event: string, payload: unknown) => void): Subscription {
    this.remove(session.id, topic);
    const subscription: Subscription = { session, topic, cursor: 0, pending: [], push };
    let topics = this.bySession.get(session.id);
    if (!topics) {
      topics = new Map();
      this.bySession.set(session.id, topics);
    }
    topics.set(topic, subscription);
    let entry = this.byTopic.get(topic);
    if (!entry) {
      entry = { scopes: undefined, members: new Set() };
      this.byTopic.set(topic, entry);
    }
    entry.members.add(subscription);
    return subscription;
  }

  /**
   * Sets the scopes a channel carries; from now on the change pump reads them. Returns false when
   * they did not change.
   */
  setScopes(topic: string, scopes: readonly string[]): boolean {
    const entry = this.byTopic.get(topic);
    const next = [...new Set(scopes)];
    if (!entry || (entry.scopes && sameMembers(entry.scopes, next))) return false;
    this.unlinkScopes(topic, entry);
    entry.scopes = next;
    for (const scope of next) {
      let topics = this.scopeTopics.get(scope);
      if (!topics) {
        topics = new Set();
        this.scopeTopics.set(scope, topics);
        this.scopeLinks.set(scope, ++this.links);
      }
      topics.add(topic);
    }
    this.scopeList = undefined;
    return true;
  }

  scopesOf(topic: string): readonly string[] | undefined {
    return this.byTopic.get(topic)?.scopes;
  }

  get(sessionId: string, topic: string): Subscription | undefined {
    return this.bySession.get(sessionId)?.get(topic);
  }

  /** True while `subscription` is still the session's current membership of its channel. */
  isCurrent(subscription: Subscription): boolean {
    return this.get(subscription.session.id, subscription.topic) === subscription;
  }

  remove(sessionId: string, topic: string): Subscription | undefined {
    const topics = this.bySession.get(sessionId);
    const subscription = topics?.get(topic);
    if (!topics || !subscription) return undefined;
    topics.delete(topic);
    if (topics.size === 0) this.bySession.delete(sessionId);
    const entry = this.byTopic.get(topic);
    if (entry) {
      entry.members.delete(subscription);
      if (entry.members.size === 0) {
        this.byTopic.delete(topic);
        this.unlinkScopes(topic, entry);
      }
    }
    return subscription;
  }

  removeSession(sessionId: string): Subscription[] {
    const topics = [...(this.bySession.get(sessionId)?.keys() ?? [])];
    return topics.flatMap((topic) => this.remove(sessionId, topic) ?? []);
  }

  /** Every scope some local channel carries (what the change pump reads). */
  scopes(): readonly string[] {
    this.scopeList ??= [...this.scopeTopics.keys()];
    return this.scopeList;
  }

  /**
   * Equal for two calls iff each of the scopes stayed carried by some local channel in between (so the
   * change pump read them all along, ReplayReads).
   */
  linkStamp(scopes: readonly string[]): string {
    return scopes.map((scope) => this.scopeLinks.get(scope) ?? '-').join(',');
  }

  topics(): string[] {
    return [...this.byTopic.keys()];
  }

  membersOf(topic: string): Subscription[] {
    return [...(this.byTopic.get(topic)?.members ?? [])];
  }

  topicsOfScope(scope: string): ReadonlySet<string> | undefined {
    return this.scopeTopics.get(scope);
  }

  private unlinkScopes(topic: string, entry: TopicEntry): void {
    for (const scope of entry.scopes ?? []) {
      const topics = this.scopeTopics.get(scope);
      topics?.delete(topic);
      if (topics?.size === 0) {
        this.scopeTopics.delete(scope);
        this.scopeLinks.delete(scope);
      }
    }
    this.scopeList = undefined;
  }
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}
