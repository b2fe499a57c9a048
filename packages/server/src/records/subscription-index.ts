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
  /** False while only the change pump knows it (a member whose join listener has not run yet). */
  claimed: boolean;
}

/** This node's channels with record-sync members, the log scopes they carry, and their subscriptions. */
export class SubscriptionIndex {
  private readonly bySession = new Map<string, Map<string, Subscription>>();
  private readonly topicScopes = new Map<string, { scopes: readonly string[] | undefined; members: number }>();
  private readonly scopeTopics = new Map<string, Set<string>>();
  private scopeList: string[] | undefined;

  /**
   * The subscription of a member whose join is being handled: the one the change pump opened for it
   * meanwhile, or a new one. Either way it holds live changes until `finishResume`.
   */
  claim(session: SyncSession, topic: string): Subscription {
    const existing = this.get(session.id, topic);
    if (existing && !existing.claimed) {
      existing.claimed = true;
      return existing;
    }
    return this.add(session, topic, true);
  }

  /**
   * Opens a subscription that holds live changes. The change pump calls it (`claimed: false`) for a
   * channel member it meets before that member's join listener ran, so nothing sent meanwhile is lost.
   */
  add(session: SyncSession, topic: string, claimed: boolean): Subscription {
    this.remove(session.id, topic);
    const subscription: Subscription = { session, topic, cursor: 0, pending: [], claimed };
    let topics = this.bySession.get(session.id);
    if (!topics) {
      topics = new Map();
      this.bySession.set(session.id, topics);
    }
    topics.set(topic, subscription);
    const entry = this.topicScopes.get(topic);
    if (entry) entry.members += 1;
    else this.topicScopes.set(topic, { scopes: undefined, members: 1 });
    return subscription;
  }

  /** Records the scopes a channel carries; from now on the change pump reads them. */
  setScopes(topic: string, scopes: readonly string[]): void {
    const entry = this.topicScopes.get(topic);
    if (!entry || entry.scopes) return;
    entry.scopes = [...new Set(scopes)];
    for (const scope of entry.scopes) {
      let topics = this.scopeTopics.get(scope);
      if (!topics) {
        topics = new Set();
        this.scopeTopics.set(scope, topics);
      }
      topics.add(topic);
    }
    this.scopeList = undefined;
  }

  scopesOf(topic: string): readonly string[] | undefined {
    return this.topicScopes.get(topic)?.scopes;
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
    const entry = this.topicScopes.get(topic);
    if (entry && --entry.members === 0) {
      this.topicScopes.delete(topic);
      for (const scope of entry.scopes ?? []) {
        const scopeTopics = this.scopeTopics.get(scope);
        scopeTopics?.delete(topic);
        if (scopeTopics?.size === 0) this.scopeTopics.delete(scope);
      }
      this.scopeList = undefined;
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

  topicsOfScope(scope: string): ReadonlySet<string> | undefined {
    return this.scopeTopics.get(scope);
  }

  get subscriptionCount(): number {
    let count = 0;
    for (const topics of this.bySession.values()) count += topics.size;
    return count;
  }
}
