import type { Frame, JoinPayload, SyncJoinConfig } from '@wedsync/protocol';
import type { RealtimeError } from '../connection/realtime-error.ts';
import type { Timers } from '../connection/timers.ts';

/**
 * - `closed`: not joined and not trying (initial, after leave(), eviction, a server close or a final refusal);
 * - `joining`: a join is on the wire or waits for the connection;
 * - `joined`;
 * - `leaving`: phx_leave sent, waiting for its reply;
 * - `errored`: wants to be joined but is not (link lost, retryable refusal, timeout); rejoins on its own.
 */
export type ChannelState = 'closed' | 'joining' | 'joined' | 'leaving' | 'errored';

export type JoinConfig = NonNullable<JoinPayload['config']>;
/** Extra join config from the `getJoinPayload` hook; `sync` is merged key by key with `ChannelOptions.sync`. */
export type JoinConfigExtras = Partial<JoinConfig> & Record<string, unknown>;

export interface ChannelOptions {
  /** `self`: receive your own broadcasts; `ack`: `broadcast()` resolves only after the server's ack. */
  broadcast?: { self?: boolean; ack?: boolean };
  /** Presence key (e.g. the user id); giving this object enables presence for the channel. */
  presence?: { key?: string };
  /** Our sync extension of the join config (resume `since` a seq, ask for a `snapshot`). */
  sync?: SyncJoinConfig;
  private?: boolean;
  /**
   * Called at every (re)join; the result is merged into `config`. The record store uses it to send the last
   * seq it saw: `() => ({ sync: { since: lastSeq } })`.
   */
  getJoinPayload?: () => JoinConfigExtras;
}

export type FrameHandler = (payload: unknown, frame: Frame) => void;
/** `message.meta` is what the server added (e.g. `{ id }`), when present. */
export type BroadcastHandler = (payload: unknown, message: { event: string; meta?: Record<string, unknown> }) => void;
export type ChannelStateListener = (state: ChannelState, reason: string | null) => void;

export interface PushOptions {
  /** Reject with TIMEOUT when no reply arrives this long after sending. Default: the client's pushTimeoutMs. */
  timeoutMs?: number;
}

/** What a channel needs from the client that owns it. */
export interface ChannelHost {
  readonly timers: Timers;
  readonly pushTimeoutMs: number;
  readonly maxBufferedPushes: number;
  isConnected(): boolean;
  /** Start connecting unless the app disconnected on purpose. */
  ensureConnected(): void;
  makeRef(): string;
  send(frame: Frame): boolean;
  accessToken(): string | null;
  /** Subscription limit (R2.4): may evict an idle channel; returns the refusal when none can go. */
  admit(channel: ChannelHandle): RealtimeError | null;
  /** One fresh token after a join was refused for its token; false → the client is now in `error`. */
  retryWithFreshToken(code: string): Promise<boolean>;
  enterAuthError(code: string): void;
  markAuthenticated(): void;
  rejoinDelayMs(attempt: number): number;
  /** State, holds or use changed: the registry re-plans idle eviction. */
  channelChanged(channel: ChannelHandle): void;
  reportError(error: unknown): void;
}

/** The registry's view of a channel. */
export interface ChannelHandle {
  readonly topic: string;
  readonly state: ChannelState;
  readonly lastUsedAtMs: number;
  readonly isHeld: boolean;
}

/** Builds the `phx_join` payload for one (re)join. */
export function buildJoinPayload(
  options: ChannelOptions,
  extras: JoinConfigExtras,
  presenceEnabled: boolean,
  accessToken: string | null,
): JoinPayload {
  const sync = options.sync || extras.sync ? { ...options.sync, ...extras.sync } : undefined;
  const config: JoinConfig = {
    broadcast: { self: options.broadcast?.self === true, ack: options.broadcast?.ack === true },
    presence: { key: options.presence?.key ?? '', enabled: presenceEnabled },
    private: options.private === true,
    ...extras,
    ...(sync ? { sync } : {}),
  };
  return accessToken ? { config, access_token: accessToken } : { config };
}
