import { EVENTS } from '@wedsync/protocol';
import { RealtimeError } from '../connection/realtime-error.ts';
import { ChannelLifecycle } from './channel-lifecycle.ts';
import type {
  BroadcastHandler,
  ChannelStateListener,
  FrameHandler,
  JoinConfigExtras,
  PushOptions,
} from './channel-options.ts';

/**
 * One topic on the shared connection; created by `RealtimeClient.channel()`, one instance per topic.
 * join()/leave(), pushes with replies, broadcast, presence (track/untrack/setStatus/presenceState/
 * onPresence), and automatic rejoin after every reconnect. Pushes made while not joined wait (bounded)
 * and go out in order after the join.
 */
export class Channel extends ChannelLifecycle {
  /** Subscribes to one inbound event (`'*'` for all, phx_* excluded). Returns the unsubscribe function. */
  on(event: string, handler: FrameHandler): () => void {
    return this.router.on(event, handler);
  }

  /** Subscribes to broadcasts of one user event (`'*'` for all). */
  onBroadcast(event: string, handler: BroadcastHandler): () => void {
    return this.router.onBroadcast(event, handler);
  }

  /** Called with every state change and its reason. */
  onState(listener: ChannelStateListener): () => void {
    this.stateListeners.add(listener);
    return () => {
      this.stateListeners.delete(listener);
    };
  }

  /** Replaces the hook called at every (re)join (see ChannelOptions.getJoinPayload). */
  setJoinPayloadHook(hook: (() => JoinConfigExtras) | undefined): void {
    this.joinPayloadHook = hook;
  }

  /** Pins the channel against idle/LRU eviction until the returned release function is called. */
  retain(): () => void {
    this.holds += 1;
    this.host.channelChanged(this);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      this.touch();
      this.host.channelChanged(this);
    };
  }

  /**
   * Pushes an event and resolves with the reply's response. Rejects with the server's code, TIMEOUT,
   * CONNECTION_LOST (link dropped before the reply), PUSH_BUFFER_FULL or CHANNEL_CLOSED.
   * Pushes made while not joined wait (bounded) and go out in order after the join.
   */
  push(event: string, payload: unknown, options: PushOptions = {}): Promise<unknown> {
    return this.enqueue(event, payload, true, options.timeoutMs ?? this.host.pushTimeoutMs);
  }

  /**
   * Broadcasts to the channel's members; with `broadcast.ack` it resolves on the server's ack. With
   * `vsn: '2.0.0'` a `Uint8Array`/`ArrayBuffer` payload (media, attachments) travels as a binary frame and
   * arrives at `onBroadcast` handlers as a `Uint8Array` (R12.2).
   */
  async broadcast(event: string, payload: unknown): Promise<void> {
    const ack = this.options.broadcast?.ack === true;
    await this.enqueue(EVENTS.broadcast, { type: 'broadcast', event, payload }, ack, this.host.pushTimeoutMs);
  }

  /**
   * Eviction (R2.4) is the SDK's own economy, invisible to the app: using a channel that was left as IDLE or
   * EVICTED joins it again. Returns why it cannot be used, or null.
   */
  protected ensureUsable(): RealtimeError | null {
    if (this.wantsJoined) return null;
    if (this.state === 'closed' && (this.reason === 'IDLE' || this.reason === 'EVICTED')) {
      // The only synchronous refusal is the local subscription limit; later failures reach the pushes.
      this.join().catch(() => undefined);
      if (this.wantsJoined) return null;
      return new RealtimeError('SUBSCRIPTION_LIMIT', `cannot rejoin ${this.topic}: every channel is in use`);
    }
    return new RealtimeError('CHANNEL_CLOSED', `channel ${this.topic} is ${this.state}; join it first`);
  }
}
