import { ERROR_CODES, EVENTS, type Frame, parseErrorReason } from '@wedsync/protocol';
import { isTokenCode, RealtimeError } from '../connection/realtime-error.ts';
import { TimerSlot } from '../connection/timers.ts';
import { ChannelPresence } from '../presence/channel-presence.ts';
import {
  buildJoinPayload,
  type ChannelHandle,
  type ChannelHost,
  type ChannelOptions,
  type ChannelState,
  type ChannelStateListener,
  type JoinConfigExtras,
} from './channel-options.ts';
import { EventRouter } from './event-router.ts';
import { PushQueue } from './push-queue.ts';

type Waiter<T> = { resolve(value: T): void; reject(error: RealtimeError): void };

/**
 * A channel's join lifecycle: joins (and rejoins after every reconnect, calling the `getJoinPayload`
 * hook each time), one fresh token after a token refusal, backoff after retryable refusals, buffering of
 * pushes until joined, and routing of inbound frames. The public API is `Channel`.
 */
export abstract class ChannelLifecycle extends ChannelPresence implements ChannelHandle {
  private stateValue: ChannelState = 'closed';
  private reasonValue: string | null = null;
  private joinRefValue: string | null = null;
  private joinResponse: unknown;
  private joinWaiters: Waiter<unknown>[] = [];
  private leaveWaiters: (() => void)[] = [];
  private leaveRef: string | null = null;
  private readonly replyTimer: TimerSlot;
  private readonly rejoinTimer: TimerSlot;
  private rejoinAttempt = 0;
  private authRetried = false;
  private lastSystemError: string | null = null;
  private readonly pushes: PushQueue;
  protected readonly router: EventRouter;
  protected readonly stateListeners = new Set<ChannelStateListener>();
  protected joinPayloadHook: (() => JoinConfigExtras) | undefined;
  protected holds = 0;
  private lastUsedAt: number;

  constructor(
    readonly topic: string,
    readonly options: ChannelOptions,
    protected readonly host: ChannelHost,
  ) {
    super((error) => host.reportError(error));
    this.router = new EventRouter((error) => host.reportError(error));
    this.replyTimer = new TimerSlot(host.timers);
    this.rejoinTimer = new TimerSlot(host.timers);
    this.pushes = new PushQueue(host.timers, host.maxBufferedPushes, {
      ready: () => this.isJoinedAndConnected(),
      write: (event, payload) => {
        const ref = host.makeRef();
        return host.send({ joinRef: this.joinRefValue, ref, topic: this.topic, event, payload }) ? ref : null;
      },
    });
    this.joinPayloadHook = options.getJoinPayload;
    this.lastUsedAt = host.timers.now();
  }

  get state(): ChannelState {
    return this.stateValue;
  }

  /** Why the channel is in its state (an error code such as FORBIDDEN, EVICTED, CONNECTION_LOST), or null. */
  get reason(): string | null {
    return this.reasonValue;
  }

  /** The ref of the current join; frames of older joins are dropped. */
  get joinRef(): string | null {
    return this.joinRefValue;
  }

  get lastUsedAtMs(): number {
    return this.lastUsedAt;
  }

  /** Held by a subscription scope (or `retain()`): never evicted. */
  get isHeld(): boolean {
    return this.holds > 0;
  }

  /** Joining, joined or errored: the channel counts against the subscription limit and rejoins by itself. */
  get wantsJoined(): boolean {
    return this.stateValue === 'joining' || this.stateValue === 'joined' || this.stateValue === 'errored';
  }

  /**
   * Joins; resolves with the server's join response. Rejects with a RealtimeError carrying the code of the
   * first failure (FORBIDDEN, SUBSCRIPTION_LIMIT, TIMEOUT …). After a retryable failure the channel keeps
   * rejoining with backoff (watch `onState`); after a final one it is `closed`.
   */
  join(): Promise<unknown> {
    if (this.stateValue === 'joined') {
      this.touch();
      return Promise.resolve(this.joinResponse);
    }
    const waiter = new Promise<unknown>((resolve, reject) => this.joinWaiters.push({ resolve, reject }));
    if (this.wantsJoined) return waiter;
    const refusal = this.host.admit(this);
    if (refusal) {
      this.rejectJoinWaiters(refusal);
      return waiter;
    }
    if (this.stateValue === 'leaving') this.finishLeave(this.reasonValue);
    this.touch();
    this.rejoinAttempt = 0;
    this.authRetried = false;
    this.setState('joining', null);
    this.host.ensureConnected();
    if (this.host.isConnected()) this.sendJoin();
    return waiter;
  }

  /** Leaves (phx_leave when joined) and resolves once closed. Buffered pushes reject with CHANNEL_CLOSED. */
  leave(reason: string | null = null): Promise<void> {
    if (this.stateValue === 'closed') return Promise.resolve();
    const done = new Promise<void>((resolve) => this.leaveWaiters.push(resolve));
    if (this.stateValue === 'leaving') return done;
    const wasJoined = this.stateValue === 'joined';
    this.rejoinTimer.stop();
    this.replyTimer.stop();
    this.clearTracking();
    this.rejectJoinWaiters(new RealtimeError('CHANNEL_CLOSED', `left ${this.topic} before it joined`));
    this.pushes.failBuffered(new RealtimeError('CHANNEL_CLOSED', `left ${this.topic}`));
    if (wasJoined && this.host.isConnected()) {
      this.leaveRef = this.host.makeRef();
      this.setState('leaving', reason);
      this.host.send({
        joinRef: this.joinRefValue,
        ref: this.leaveRef,
        topic: this.topic,
        event: EVENTS.leave,
        payload: {},
      });
      this.replyTimer.start(this.host.pushTimeoutMs, () => this.finishLeave(reason));
    } else {
      this.finishLeave(reason);
    }
    return done;
  }

  /** Routes one inbound frame of this topic (called by the client). */
  handleFrame(frame: Frame): void {
    if (frame.joinRef !== null && frame.joinRef !== this.joinRefValue) return;
    switch (frame.event) {
      case EVENTS.reply:
        this.handleReply(frame);
        return;
      case EVENTS.close:
        if (this.wantsJoined && (frame.ref === null || frame.ref === this.joinRefValue)) this.closedByServer();
        return;
      case EVENTS.error:
        if (this.wantsJoined)
          this.handleJoinFailure(new RealtimeError('SERVER_ERROR', 'the server reported a channel error'));
        return;
      case EVENTS.presenceState:
      case EVENTS.presenceDiff:
        if (this.stateValue !== 'joined') return;
        if (this.receivePresence(frame)) this.touch();
        return;
    }
    if (this.stateValue !== 'joined') return;
    if (frame.event === EVENTS.system) this.noteSystem(frame.payload);
    if (this.router.deliver(frame)) this.touch();
  }

  /** The socket opened: (re)join if wanted. */
  handleConnectionUp(): void {
    if (!this.wantsJoined) return;
    this.rejoinTimer.stop();
    this.sendJoin();
  }

  /** The socket is gone: in-flight pushes fail with CONNECTION_LOST; the channel waits to rejoin. */
  handleConnectionDown(reason: string): void {
    this.replyTimer.stop();
    this.rejoinTimer.stop();
    this.pushes.failInFlight(new RealtimeError('CONNECTION_LOST', `connection lost (${reason})`));
    if (this.stateValue === 'leaving') this.finishLeave(this.reasonValue);
    else if (this.stateValue === 'joined' || this.stateValue === 'joining') this.setState('errored', reason);
  }

  /** Fails everything and closes (client.close()). */
  dispose(): void {
    const error = new RealtimeError('CLIENT_CLOSED');
    this.rejoinTimer.stop();
    this.replyTimer.stop();
    this.clearTracking(error);
    this.rejectJoinWaiters(error);
    this.pushes.failBuffered(error);
    this.pushes.failInFlight(error);
    this.finishLeave('CLIENT_CLOSED');
  }

  protected touch(): void {
    this.lastUsedAt = this.host.timers.now();
  }

  protected isJoinedAndConnected(): boolean {
    return this.stateValue === 'joined' && this.host.isConnected();
  }

  protected get presenceTimeoutMs(): number {
    return this.host.pushTimeoutMs;
  }

  protected override presenceEnabled(): boolean {
    return this.options.presence !== undefined || super.presenceEnabled();
  }

  protected enqueue(event: string, payload: unknown, expectReply: boolean, timeoutMs: number): Promise<unknown> {
    const unusable = this.ensureUsable();
    if (unusable) return Promise.reject(unusable);
    this.touch();
    return new Promise((resolve, reject) =>
      this.pushes.submit({ event, payload, expectReply, timeoutMs, resolve, reject }, this.topic),
    );
  }

  private sendJoin(): void {
    this.replyTimer.stop();
    this.rejoinTimer.stop();
    const ref = this.host.makeRef();
    this.joinRefValue = ref;
    this.lastSystemError = null;
    this.resetPresenceForJoin();
    let extras: JoinConfigExtras = {};
    try {
      extras = this.joinPayloadHook?.() ?? {};
    } catch (error) {
      this.host.reportError(error);
    }
    if (this.stateValue !== 'joining') this.setState('joining', this.reasonValue);
    const payload = buildJoinPayload(this.options, extras, this.presenceEnabled(), this.host.accessToken());
    if (!this.host.send({ joinRef: ref, ref, topic: this.topic, event: EVENTS.join, payload })) return;
    this.replyTimer.start(this.host.pushTimeoutMs, () =>
      this.handleJoinFailure(new RealtimeError('TIMEOUT', `no reply to the join of ${this.topic}`)),
    );
  }

  private handleReply(frame: Frame): void {
    const { status, response } = (frame.payload ?? {}) as { status?: unknown; response?: unknown };
    if (frame.ref !== null && frame.ref === this.joinRefValue && this.stateValue === 'joining') {
      this.replyTimer.stop();
      if (status === 'ok') this.joined(response);
      else this.handleJoinFailure(RealtimeError.fromResponse(response));
      return;
    }
    if (frame.ref !== null && frame.ref === this.leaveRef) {
      this.finishLeave(this.reasonValue);
      return;
    }
    this.pushes.settle(frame.ref, status, response);
  }

  private joined(response: unknown): void {
    this.rejoinAttempt = 0;
    this.authRetried = false;
    this.host.markAuthenticated();
    this.joinResponse = response;
    this.touch();
    this.setState('joined', null);
    const waiters = this.joinWaiters;
    this.joinWaiters = [];
    for (const waiter of waiters) waiter.resolve(response);
    this.pushes.flush();
    this.retrackAfterJoin();
  }

  private handleJoinFailure(error: RealtimeError): void {
    this.replyTimer.stop();
    if (isTokenCode(error.code)) {
      if (this.authRetried) {
        this.host.enterAuthError(error.code);
        this.closeWith(error);
        return;
      }
      this.authRetried = true;
      this.setState('errored', error.code);
      void this.host.retryWithFreshToken(error.code).then((refreshed) => {
        if (this.stateValue !== 'errored') return;
        if (!refreshed) {
          this.closeWith(error);
          return;
        }
        if (this.host.isConnected()) this.sendJoin();
      });
      return;
    }
    if (!error.retryable) {
      this.closeWith(error);
      return;
    }
    this.rejectJoinWaiters(error);
    this.setState('errored', error.code);
    this.rejoinAttempt += 1;
    this.rejoinTimer.start(this.host.rejoinDelayMs(this.rejoinAttempt), () => {
      if (this.stateValue === 'errored' && this.host.isConnected()) this.sendJoin();
    });
  }

  private closedByServer(): void {
    const parsed = this.lastSystemError ? parseErrorReason(this.lastSystemError) : null;
    const code = parsed && parsed.code !== 'UNKNOWN' ? parsed.code : 'RIGHTS_REVOKED';
    const error = new RealtimeError(code, parsed?.message || 'the server closed the channel');
    // An expired token is cured by one fresh token and a rejoin; any other server close is final.
    if (isTokenCode(code)) this.handleJoinFailure(error);
    else this.closeWith(error);
  }

  private closeWith(error: RealtimeError): void {
    this.rejoinTimer.stop();
    this.replyTimer.stop();
    this.clearTracking(error);
    this.rejectJoinWaiters(error);
    this.pushes.failBuffered(error);
    this.pushes.failInFlight(error);
    this.finishLeave(error.code);
  }

  private finishLeave(reason: string | null): void {
    this.replyTimer.stop();
    this.leaveRef = null;
    this.joinRefValue = null;
    this.pushes.failInFlight(new RealtimeError('CHANNEL_CLOSED', `left ${this.topic}`));
    this.clearPresence();
    this.setState('closed', reason);
    const waiters = this.leaveWaiters;
    this.leaveWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private rejectJoinWaiters(error: RealtimeError): void {
    const waiters = this.joinWaiters;
    this.joinWaiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  private noteSystem(payload: unknown): void {
    const body = payload as { extension?: unknown; status?: unknown; message?: unknown } | null;
    if (body?.status !== 'error' || typeof body.message !== 'string') return;
    this.lastSystemError = body.message;
    // Record sync could not resume this channel (e.g. STORAGE_UNAVAILABLE) and stopped sending its
    // changes: rejoin with backoff, so the resume (`config.sync.since`) is retried (R11.2).
    const parsed = parseErrorReason(body.message);
    if (
      body.extension === 'sync' &&
      this.stateValue === 'joined' &&
      parsed.code !== 'UNKNOWN' &&
      ERROR_CODES[parsed.code].retryable
    ) {
      this.setState('errored', parsed.code);
      this.rejoinAttempt += 1;
      this.rejoinTimer.start(this.host.rejoinDelayMs(this.rejoinAttempt), () => {
        if (this.stateValue === 'errored' && this.host.isConnected()) this.sendJoin();
      });
    }
  }

  private setState(state: ChannelState, reason: string | null): void {
    if (this.stateValue === state && this.reasonValue === reason) return;
    this.stateValue = state;
    this.reasonValue = reason;
    this.host.channelChanged(this);
    for (const listener of [...this.stateListeners]) {
      try {
        listener(state, reason);
      } catch (error) {
        this.host.reportError(error);
      }
    }
  }
}
