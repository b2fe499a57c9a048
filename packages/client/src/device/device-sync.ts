import type { Timers } from '../connection/timers.ts';
import { BatteryPolicy } from './battery-policy.ts';
import { type EphemeralKind, NetworkPolicy } from './network-policy.ts';
import { UpdateCoalescer } from './update-coalescer.ts';

/** The Page Visibility API as far as we use it (`document`). */
export interface VisibilityLike {
  readonly visibilityState: string;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

/** The part of a channel the policy drives (`Channel` fits). */
export interface ManagedChannel {
  readonly topic: string;
  readonly state: string;
  join(): Promise<unknown>;
  leave(reason?: string | null): Promise<void>;
}

/** The part of the client the policy drives (`RealtimeClient` fits). */
export interface DeviceSyncClient {
  channels(): ManagedChannel[];
  setJoinPriority(priority: ((topic: string) => number) | undefined): void;
  setTransportProbing(enabled: boolean): void;
  connect(): void;
  disconnect(): Promise<void>;
}

/** Topics with mutations waiting to go out (see `outboxPendingWrites`). */
export interface PendingWrites {
  has(topic: string): boolean;
  subscribe(listener: () => void): () => void;
}

export interface DeviceSyncOptions {
  client: DeviceSyncClient;
  timers: Timers;
  /** Channels that always stay joined (notifications, the user's primary channel). */
  isCritical(topic: string): boolean;
  network?: NetworkPolicy;
  /** Default: a BatteryPolicy on `navigator.getBattery()` where it exists; null: never low. */
  battery?: BatteryPolicy | null;
  /** Default `document` where it exists; null: always visible. */
  visibility?: VisibilityLike | null;
  /** A paused channel with writes waiting is joined until they went out (critical traffic continues). */
  pendingWrites?: PendingWrites;
  /**
   * What is on screen, read at every reconnect or resume (e.g. the channels the current page holds); these
   * join first, in this order. `setVisibleTopics` sets a fixed list instead. Default: that list.
   */
  visibleTopics?: () => Iterable<string>;
  /** Visible again → resume after this long (0: at once). Default 0. */
  resumeDelayMs?: number;
  /** While hidden and no channel is left joined, disconnect so no heartbeat runs in the background. Default true. */
  disconnectWhenIdle?: boolean;
  onError?: (error: unknown) => void;
}

export type PauseReason = 'hidden' | 'low-battery';

const WANTS_JOINED = new Set(['joining', 'joined', 'errored']);

/**
 * R13.1 device-aware sync. Hidden page or low battery → every non-critical channel is left (its
 * resume point stays with its owner, e.g. the record store's `seq`, which the next join sends as
 * `config.sync.since`); hidden → ephemeral updates are held, upgrade probes stop, and with nothing
 * left joined the link is closed, so no timer of the SDK fires in the background. Visible with
 * battery → the link reopens and the paused channels rejoin with a catch-up, visible content first
 * (`setVisibleTopics`; the same order applies to every reconnect). Constrained network or low
 * battery → presence/typing/metrics go through `submit` at the lower rate.
 */
export class DeviceSync {
  readonly network: NetworkPolicy;
  readonly battery: BatteryPolicy | null;
  readonly coalescer: UpdateCoalescer;
  private readonly visibility: VisibilityLike | null;
  private readonly pausedTopics = new Set<string>();
  private readonly wokenTopics = new Set<string>();
  private visibleTopics: string[] = [];
  private reasonValue: PauseReason | null = null;
  private disconnectedByUs = false;
  private resumeTimer: unknown = null;
  private readonly offs: Array<() => void> = [];
  /** Policies this instance made itself (and so disposes). */
  private readonly owned: Array<{ dispose(): void }> = [];
  private readonly onVisibility = () => this.evaluate();

  constructor(private readonly options: DeviceSyncOptions) {
    this.network = options.network ?? new NetworkPolicy();
    this.battery = options.battery === undefined ? new BatteryPolicy() : options.battery;
    if (!options.network) this.owned.push(this.network);
    if (options.battery === undefined && this.battery) this.owned.push(this.battery);
    this.visibility =
      options.visibility === undefined
        ? ((globalThis as { document?: VisibilityLike }).document ?? null)
        : options.visibility;
    this.coalescer = new UpdateCoalescer(options.timers, (kind) => this.intervalMs(kind));
    this.visibility?.addEventListener('visibilitychange', this.onVisibility);
    if (this.battery) this.offs.push(this.battery.onChange(() => this.evaluate()));
    if (options.pendingWrites) this.offs.push(options.pendingWrites.subscribe(() => this.followWrites()));
    options.client.setJoinPriority((topic) => this.priority(topic));
    this.evaluate();
  }

  /** Why non-critical sync is paused now, or null. */
  get pauseReason(): PauseReason | null {
    return this.reasonValue;
  }

  /** Topics left by the policy, to rejoin on resume. */
  get paused(): readonly string[] {
    return [...this.pausedTopics];
  }

  /** What is on screen: these channels join first after a reconnect or resume. */
  setVisibleTopics(topics: Iterable<string>): void {
    this.visibleTopics = [...topics];
  }

  /** An ephemeral update (presence, typing, metrics) at the rate the network and battery allow. */
  submit<T>(kind: EphemeralKind, key: string, value: T, send: (value: T) => void): void {
    this.coalescer.submit(kind, key, value, send);
  }

  dispose(): void {
    this.visibility?.removeEventListener('visibilitychange', this.onVisibility);
    for (const off of this.offs.splice(0)) off();
    this.clearResume();
    this.coalescer.dispose();
    for (const policy of this.owned.splice(0)) policy.dispose();
    this.options.client.setJoinPriority(undefined);
  }

  private get hidden(): boolean {
    return this.visibility !== null && this.visibility.visibilityState === 'hidden';
  }

  private intervalMs(kind: EphemeralKind): number {
    if (this.battery?.low && !this.network.constrained) {
      return Math.max(this.network.intervalMs(kind), CONSTRAINED_FLOOR_MS[kind]);
    }
    return this.network.intervalMs(kind);
  }

  private priority(topic: string): number {
    const visible = this.options.visibleTopics ? [...this.options.visibleTopics()] : this.visibleTopics;
    const visibleIndex = visible.indexOf(topic);
    if (visibleIndex >= 0) return visibleIndex / (visible.length + 1);
    return this.options.isCritical(topic) ? 1 : 2;
  }

  private evaluate(): void {
    const reason: PauseReason | null = this.hidden ? 'hidden' : this.battery?.low ? 'low-battery' : null;
    const previous = this.reasonValue;
    this.reasonValue = reason;
    if (reason === 'hidden') {
      this.clearResume();
      this.coalescer.pause();
      this.options.client.setTransportProbing(false);
      this.pauseChannels();
      this.disconnectIfIdle();
      return;
    }
    if (reason === 'low-battery') {
      // Visible on a low battery: the link and critical traffic run, non-critical channels stay paused.
      this.clearResume();
      this.wake();
      this.pauseChannels();
      return;
    }
    if (previous === null) return;
    const delayMs = this.options.resumeDelayMs ?? 0;
    if (delayMs <= 0) this.resume();
    else if (this.resumeTimer === null)
      this.resumeTimer = this.options.timers.setTimeout(() => {
        this.resumeTimer = null;
        this.resume();
      }, delayMs);
  }

  /** Back in the foreground: the link, held updates and upgrade probes come back. */
  private wake(): void {
    if (this.disconnectedByUs) {
      this.disconnectedByUs = false;
      this.options.client.connect();
    }
    this.coalescer.resume();
    this.options.client.setTransportProbing(true);
  }

  private pauseChannels(): void {
    for (const channel of this.options.client.channels()) {
      if (this.options.isCritical(channel.topic) || !WANTS_JOINED.has(channel.state)) continue;
      if (this.options.pendingWrites?.has(channel.topic)) {
        this.wokenTopics.add(channel.topic);
        continue;
      }
      this.pausedTopics.add(channel.topic);
      this.run(channel.leave('PAUSED'));
    }
  }

  private disconnectIfIdle(): void {
    if (this.reasonValue !== 'hidden' || this.options.disconnectWhenIdle === false || this.disconnectedByUs) return;
    if (this.options.client.channels().some((channel) => WANTS_JOINED.has(channel.state))) return;
    this.disconnectedByUs = true;
    this.run(this.options.client.disconnect());
  }

  private resume(): void {
    if (this.reasonValue !== null) return;
    if (this.disconnectedByUs) {
      this.disconnectedByUs = false;
      this.options.client.connect();
    }
    const byTopic = new Map(this.options.client.channels().map((channel) => [channel.topic, channel]));
    const topics = [...this.pausedTopics].sort((a, b) => this.priority(a) - this.priority(b));
    this.pausedTopics.clear();
    this.wokenTopics.clear();
    for (const topic of topics) {
      const channel = byTopic.get(topic);
      // A channel still `leaving` (its leave not answered yet, e.g. over a slow link) rejoins too:
      // join() ends the pending leave first.
      if (channel && !WANTS_JOINED.has(channel.state)) this.run(channel.join());
    }
    // Held presence/typing values go out after the joins, so they reach joined channels.
    this.wake();
  }

  /** While paused: join a paused channel that has writes waiting; leave a woken one once they went out. */
  private followWrites(): void {
    const pending = this.options.pendingWrites;
    if (this.reasonValue === null || !pending) return;
    const byTopic = new Map(this.options.client.channels().map((channel) => [channel.topic, channel]));
    for (const topic of [...this.pausedTopics]) {
      if (!pending.has(topic)) continue;
      this.pausedTopics.delete(topic);
      this.wokenTopics.add(topic);
      if (this.disconnectedByUs) {
        this.disconnectedByUs = false;
        this.options.client.connect();
      }
      const channel = byTopic.get(topic);
      if (channel) this.run(channel.join());
    }
    for (const topic of [...this.wokenTopics]) {
      const channel = byTopic.get(topic);
      if (pending.has(topic) || !channel || channel.state !== 'joined') continue;
      this.wokenTopics.delete(topic);
      this.pausedTopics.add(topic);
      this.run(channel.leave('PAUSED'));
    }
    if (this.wokenTopics.size === 0) this.disconnectIfIdle();
  }

  private clearResume(): void {
    if (this.resumeTimer === null) return;
    this.options.timers.clearTimeout(this.resumeTimer);
    this.resumeTimer = null;
  }

  private run(promise: Promise<unknown>): void {
    promise.catch((error: unknown) => this.options.onError?.(error));
  }
}

/** Low battery on an unconstrained network still spaces ephemeral updates at least this far. */
const CONSTRAINED_FLOOR_MS: Record<EphemeralKind, number> = { presence: 10_000, typing: 3_000, metrics: 15_000 };
