import type { Channel } from './channel.ts';
import type { ChannelOptions } from './channel-options.ts';

export interface SubscriptionScopeOptions {
  /** Options for channels the scope creates (a function to vary them by topic). Existing channels keep theirs. */
  channelOptions?: ChannelOptions | ((topic: string) => ChannelOptions);
  /**
   * Keep the channels joined after dispose() until idle eviction takes them (quick back-and-forth
   * navigation then costs no rejoin). Default false: dispose() leaves every channel no other scope holds.
   */
  linger?: boolean;
}

/**
 * R2.3 auto-subscribe: joins a set of topics while active (the user's primary channels after login, a
 * client's channels while viewing that client, a form's channel while editing it) and pins them against
 * eviction. dispose() releases them.
 */
export class SubscriptionScope {
  readonly channels: readonly Channel[];
  /** Settles when every join has its first outcome (a refused join does not reject this). */
  readonly ready: Promise<PromiseSettledResult<unknown>[]>;
  private readonly releases: (() => void)[];
  private disposedValue = false;

  constructor(
    channels: Channel[],
    private readonly options: SubscriptionScopeOptions,
  ) {
    this.channels = channels;
    this.releases = channels.map((channel) => channel.retain());
    this.ready = Promise.allSettled(channels.map((channel) => channel.join()));
  }

  get disposed(): boolean {
    return this.disposedValue;
  }

  channel(topic: string): Channel | undefined {
    return this.channels.find((channel) => channel.topic === topic);
  }

  /** Releases the channels; leaves those no other scope holds (unless `linger`). Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposedValue) return;
    this.disposedValue = true;
    for (const release of this.releases) release();
    if (this.options.linger) return;
    await Promise.all(this.channels.filter((channel) => !channel.isHeld).map((channel) => channel.leave('RELEASED')));
  }
}
