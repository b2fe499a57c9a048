import { EVENTS, type Frame } from '@wedsync/protocol';
import type { RealtimeError } from '../connection/realtime-error.ts';
import {
  type PresenceChangeHandler,
  PresenceStore,
  type PresenceSyncHandler,
  type PresenceView,
} from './presence-store.ts';

/** R4.3: green = active, grey = idle. */
export type PresenceStatus = 'active' | 'idle';

type Waiter = { resolve(): void; reject(error: RealtimeError): void };

/**
 * The presence half of a channel. What the app tracks is state, not a one-off message: it is sent when
 * the channel joins and again after every rejoin (the server forgets presence when a socket drops).
 */
export abstract class ChannelPresence {
  private readonly presence: PresenceStore;
  private trackedMeta: Record<string, unknown> | null = null;
  private trackWaiters: Waiter[] = [];

  constructor(reportError: (error: unknown) => void) {
    this.presence = new PresenceStore(reportError);
  }

  abstract get wantsJoined(): boolean;
  protected abstract enqueue(
    event: string,
    payload: unknown,
    expectReply: boolean,
    timeoutMs: number,
  ): Promise<unknown>;
  protected abstract isJoinedAndConnected(): boolean;
  /** Null when the channel can take messages (rejoining it if it was evicted), else why not. */
  protected abstract ensureUsable(): RealtimeError | null;
  protected abstract touch(): void;
  protected abstract get presenceTimeoutMs(): number;

  /**
   * Tracks this client on the channel with `meta` (replacing what it tracked before). Resolves when the
   * server acknowledged; while not joined it resolves after the join. Rejects with CHANNEL_CLOSED when the
   * channel is not joined and not joining (an evicted channel rejoins instead).
   */
  track(meta: Record<string, unknown>): Promise<void> {
    const unusable = this.ensureUsable();
    if (unusable) return Promise.reject(unusable);
    this.trackedMeta = { ...meta };
    this.touch();
    if (this.isJoinedAndConnected()) return this.sendTrack();
    return new Promise((resolve, reject) => this.trackWaiters.push({ resolve, reject }));
  }

  /** Stops tracking; others see this client leave. */
  async untrack(): Promise<void> {
    this.trackedMeta = null;
    this.settleTrackWaiters(null);
    if (!this.isJoinedAndConnected()) return;
    this.touch();
    await this.enqueue(EVENTS.presence, { type: 'presence', event: 'untrack' }, true, this.presenceTimeoutMs);
  }

  /** Re-tracks the current meta with `status` (R4.3 active/idle). */
  setStatus(status: PresenceStatus): Promise<void> {
    return this.track({ ...this.trackedMeta, status });
  }

  /** The meta this client tracks, or null. */
  get trackedPresence(): Record<string, unknown> | null {
    return this.trackedMeta ? { ...this.trackedMeta } : null;
  }

  /** Everyone present: key → entries (one per tab/device of that key). */
  presenceState(): PresenceView {
    return this.presence.list();
  }

  onPresence(event: 'sync', handler: PresenceSyncHandler): () => void;
  onPresence(event: 'join' | 'leave', handler: PresenceChangeHandler): () => void;
  onPresence(event: 'sync' | 'join' | 'leave', handler: PresenceSyncHandler | PresenceChangeHandler): () => void {
    if (event === 'sync') return this.presence.on('sync', handler as PresenceSyncHandler);
    return this.presence.on(event, handler as PresenceChangeHandler);
  }

  /** Presence is requested in the join when anyone listens or this client tracks. */
  protected presenceEnabled(): boolean {
    return this.presence.handlerCount > 0 || this.trackedMeta !== null;
  }

  protected resetPresenceForJoin(): void {
    this.presence.resetForJoin();
  }

  protected clearPresence(): void {
    this.presence.clear();
  }

  /** Applies a presence_state/presence_diff frame; true when the app listens (counts as use). */
  protected receivePresence(frame: Frame): boolean {
    if (frame.event === EVENTS.presenceState) this.presence.receiveState(frame.payload);
    else this.presence.receiveDiff(frame.payload);
    return this.presence.handlerCount > 0;
  }

  protected retrackAfterJoin(): void {
    if (this.trackedMeta) void this.sendTrack().catch(() => undefined);
  }

  /** Forgets the tracked meta; waiting track() calls reject with `error` (or resolve when none). */
  protected clearTracking(error: RealtimeError | null = null): void {
    this.trackedMeta = null;
    this.settleTrackWaiters(error);
  }

  private sendTrack(): Promise<void> {
    const waiters = this.trackWaiters;
    this.trackWaiters = [];
    const sent = this.enqueue(
      EVENTS.presence,
      { type: 'presence', event: 'track', payload: this.trackedMeta },
      true,
      this.presenceTimeoutMs,
    );
    return sent.then(
      () => {
        for (const waiter of waiters) waiter.resolve();
      },
      (error: RealtimeError) => {
        for (const waiter of waiters) waiter.reject(error);
        throw error;
      },
    );
  }

  private settleTrackWaiters(error: RealtimeError | null): void {
    const waiters = this.trackWaiters;
    this.trackWaiters = [];
    for (const waiter of waiters) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }
}
