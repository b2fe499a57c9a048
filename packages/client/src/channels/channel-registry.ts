import { RealtimeError } from '../connection/realtime-error.ts';
import { TimerSlot, type Timers } from '../connection/timers.ts';
import type { Channel } from './channel.ts';

/**
 * The client's channels by topic, and the R2.4 rules: a channel that is not held by a scope and was not
 * used (no push, no delivered event) for `idleChannelEvictMs` is left (reason IDLE); joining beyond
 * `maxChannels` first evicts the least recently used channel not held by a scope (reason EVICTED), and is
 * refused locally with SUBSCRIPTION_LIMIT when every channel is held.
 */
export class ChannelRegistry {
  private readonly byTopic = new Map<string, Channel>();
  private readonly idleTimer: TimerSlot;

  constructor(
    private readonly timers: Timers,
    private readonly idleChannelEvictMs: number,
    private readonly maxChannels: number,
  ) {
    this.idleTimer = new TimerSlot(timers);
  }

  get(topic: string): Channel | undefined {
    return this.byTopic.get(topic);
  }

  add(channel: Channel): void {
    this.byTopic.set(channel.topic, channel);
  }

  delete(channel: Channel): void {
    if (this.byTopic.get(channel.topic) === channel) this.byTopic.delete(channel.topic);
    this.planIdleEviction();
  }

  all(): Channel[] {
    return [...this.byTopic.values()];
  }

  /** Channels that count against the limit (joining, joined or errored). */
  active(): Channel[] {
    return this.all().filter((channel) => channel.wantsJoined);
  }

  admit(joining: Channel): RealtimeError | null {
    const others = this.active().filter((channel) => channel !== joining);
    if (others.length < this.maxChannels) return null;
    const victim = others.filter((channel) => !channel.isHeld).sort((a, b) => a.lastUsedAtMs - b.lastUsedAtMs)[0];
    if (!victim) {
      return new RealtimeError(
        'SUBSCRIPTION_LIMIT',
        `at most ${this.maxChannels} channels per connection, and all of them are in use`,
      );
    }
    // phx_leave goes out before the new phx_join, so the server never counts maxChannels + 1.
    void victim.leave('EVICTED');
    return null;
  }

  /** Re-plans the idle timer for the earliest channel that could go idle. */
  planIdleEviction(): void {
    let earliestMs = Number.POSITIVE_INFINITY;
    for (const channel of this.byTopic.values()) {
      if (channel.wantsJoined && !channel.isHeld)
        earliestMs = Math.min(earliestMs, channel.lastUsedAtMs + this.idleChannelEvictMs);
    }
    if (earliestMs === Number.POSITIVE_INFINITY) {
      this.idleTimer.stop();
      return;
    }
    this.idleTimer.start(Math.max(0, earliestMs - this.timers.now()), () => this.evictIdle());
  }

  stop(): void {
    this.idleTimer.stop();
  }

  private evictIdle(): void {
    const nowMs = this.timers.now();
    for (const channel of this.all()) {
      if (channel.wantsJoined && !channel.isHeld && channel.lastUsedAtMs + this.idleChannelEvictMs <= nowMs) {
        void channel.leave('IDLE');
      }
    }
    this.planIdleEviction();
  }
}
