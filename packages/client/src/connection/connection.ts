import {
  CLOSE_CODES,
  closeReasonForCode,
  decodeTextFrame,
  encodeTextFrame,
  type Frame,
  PHOENIX_TOPIC,
  parseErrorReason,
} from '@wedsync/protocol';
import { WebSocketTransport } from '../transports/websocket-transport.ts';
import { backoffDelayMs } from './backoff.ts';
import { decodeBinaryBroadcast, encodeBinaryBroadcast } from './binary-broadcast.ts';
import type { ConnectionEvents, ConnectionOptions } from './connection-options.ts';
import { socketUrl } from './connection-options.ts';
import { type ConnectionStatus, INITIAL_STATUS, type StatusListener } from './connection-status.ts';
import { Heartbeat } from './heartbeat.ts';
import { isTokenCode, RealtimeError } from './realtime-error.ts';
import { TimerSlot } from './timers.ts';

const HTTP_REFUSAL = /Unexpected server response: (\d{3})/;

/**
 * One WebSocket link with the R1.3–R1.5 state machine: heartbeat and dead-link detection, exponential
 * full-jitter reconnect, immediate retry when back online, and the auth-failure path of R15.1 (one fresh
 * token, then `error` with no retry loop).
 */
export class Connection {
  private statusValue: ConnectionStatus = INITIAL_STATUS;
  private readonly statusListeners = new Set<StatusListener>();
  private transport: WebSocketTransport | null = null;
  private readonly closing = new Set<Promise<void>>();
  /** Bumped whenever a pending open is superseded; stale async completions compare against it. */
  private generation = 0;
  private awaitingToken = false;
  private refCounter = 0;
  /** The app wants a link (connect() called and no disconnect() since). */
  private wanted = false;
  private closedForever = false;
  /** A fresh token was already tried for the current auth refusal (R15.1: once). */
  private authRetried = false;
  private readonly heartbeat: Heartbeat;
  private readonly retryTimer: TimerSlot;
  private readonly stableTimer: TimerSlot;
  private readonly onOnline = () => this.handleOnline();
  private readonly onOffline = () => this.handleOffline();

  constructor(
    private readonly options: ConnectionOptions,
    private readonly events: ConnectionEvents,
  ) {
    this.heartbeat = new Heartbeat(options.timers, options.heartbeatIntervalMs, {
      send: (ref) => this.send({ joinRef: null, ref, topic: PHOENIX_TOPIC, event: 'heartbeat', payload: {} }),
      makeRef: () => this.makeRef(),
      onLatency: (latencyMs) => this.update({ latencyMs }),
      onDead: () => {
        this.dropLink('HEARTBEAT_TIMEOUT', false);
        this.scheduleRetry('HEARTBEAT_TIMEOUT');
      },
    });
    this.retryTimer = new TimerSlot(options.timers);
    this.stableTimer = new TimerSlot(options.timers);
    options.onlineEvents?.addEventListener('online', this.onOnline);
    options.onlineEvents?.addEventListener('offline', this.onOffline);
  }

  get status(): ConnectionStatus {
    return this.statusValue;
  }

  get isConnected(): boolean {
    return this.statusValue.state === 'connected' && this.transport?.isOpen === true;
  }

  /** True when the app asked for a link and did not disconnect since. */
  get isWanted(): boolean {
    return this.wanted;
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => {
      this.statusListeners.delete(listener);
    };
  }

  makeRef(): string {
    this.refCounter += 1;
    return String(this.refCounter);
  }

  /**
   * Sends a frame now; false when the socket is not open (callers buffer or fail). On vsn 2.0.0 a
   * broadcast of raw bytes goes as a binary frame (R12.2).
   */
  send(frame: Frame): boolean {
    const transport = this.transport;
    if (!transport) return false;
    const binary = this.options.vsn === '2.0.0' ? encodeBinaryBroadcast(frame) : null;
    return transport.send(binary ?? encodeTextFrame(frame, this.options.vsn));
  }

  /** Opens the link if it is not open or opening. From `error` this is the user's explicit retry. */
  connect(): void {
    this.assertOpen();
    this.wanted = true;
    this.options.tokens.startScheduling();
    if (this.transport || this.awaitingToken || this.retryTimer.active) return;
    if (this.statusValue.state === 'error') {
      this.authRetried = false;
      this.update({ attempt: 0 });
    }
    this.open(false);
  }

  /** Drops the current link (if any) and opens a new one at once, attempt counter reset. */
  reconnect(): void {
    this.assertOpen();
    this.wanted = true;
    this.authRetried = false;
    this.options.tokens.startScheduling();
    this.dropLink('MANUAL', true);
    this.update({ attempt: 0 });
    this.open(false);
  }

  /** Closes the link and stays disconnected until connect()/reconnect(). Resolves when the socket is closed. */
  disconnect(): Promise<void> {
    this.wanted = false;
    this.generation += 1;
    this.awaitingToken = false;
    this.retryTimer.stop();
    this.options.tokens.stopScheduling();
    this.dropLink('MANUAL', true);
    this.update({ state: 'disconnected', reason: 'MANUAL', nextRetryAtMs: null });
    return this.whenSocketsClosed();
  }

  /** Releases every timer, listener and socket. The connection cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.closedForever) {
      this.whenSocketsClosed();
      return;
    }
    const done = this.disconnect();
    this.closedForever = true;
    this.options.onlineEvents?.removeEventListener('online', this.onOnline);
    this.options.onlineEvents?.removeEventListener('offline', this.onOffline);
    this.stableTimer.stop();
    this.heartbeat.stop();
    await done;
    this.statusListeners.clear();
  }

  /**
   * A channel's join was refused for its token. Returns true when a fresh token was obtained and the join
   * may be tried once more; otherwise the connection is now in `error` (R15.1 re-login prompt).
   */
  async retryWithFreshToken(code: string): Promise<boolean> {
    if (!this.options.tokens.canRefresh || this.authRetried) {
      this.enterError(code);
      return false;
    }
    this.authRetried = true;
    try {
      await this.options.tokens.refresh();
      return true;
    } catch {
      this.enterError(code);
      return false;
    }
  }

  /** Proof the server accepts our token (a join succeeded): the next refusal may try a fresh token again. */
  markAuthenticated(): void {
    this.authRetried = false;
  }

  /** Puts the link in `error` (no automatic retry) and closes the socket. */
  enterError(reason: string): void {
    if (this.closedForever) return;
    this.generation += 1;
    this.awaitingToken = false;
    this.retryTimer.stop();
    this.dropLink(reason, true);
    this.update({ state: 'error', reason, nextRetryAtMs: null });
  }

  private assertOpen(): void {
    if (this.closedForever) throw new RealtimeError('CLIENT_CLOSED');
  }

  private open(freshToken: boolean): void {
    this.retryTimer.stop();
    const generation = ++this.generation;
    const retrying = this.statusValue.attempt > 0 || this.statusValue.state === 'reconnecting';
    this.update({ state: retrying ? 'reconnecting' : 'connecting', nextRetryAtMs: null });
    this.awaitingToken = true;
    const tokens = this.options.tokens;
    (freshToken ? tokens.refresh() : tokens.current()).then(
      (token) => {
        if (generation !== this.generation) return;
        this.awaitingToken = false;
        this.openSocket(token);
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.awaitingToken = false;
        if (!tokens.canRefresh) {
          this.enterError('TOKEN_MISSING');
          return;
        }
        this.scheduleRetry(`token provider failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  }

  private openSocket(token: string): void {
    let url: string;
    try {
      url = socketUrl(this.options, token);
    } catch {
      this.enterError(`invalid url ${this.options.url}`);
      return;
    }
    const holder: { transport: WebSocketTransport | null } = { transport: null };
    try {
      holder.transport = new WebSocketTransport(this.options.WebSocket, url, {
        onOpen: () => this.handleOpen(),
        onMessage: (data) => this.handleMessage(data),
        onClose: (code, reason, detail) => {
          if (holder.transport === this.transport) this.handleClose(code, reason, detail);
        },
      });
    } catch (error) {
      this.enterError(`cannot open WebSocket: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.transport = holder.transport;
  }

  private handleOpen(): void {
    this.update({
      state: 'connected',
      reason: null,
      nextRetryAtMs: null,
      lastConnectedAtMs: this.options.timers.now(),
    });
    this.stableTimer.start(this.options.backoff.stableResetMs, () => {
      this.authRetried = false;
      this.update({ attempt: 0 });
    });
    this.heartbeat.start();
    this.events.onUp();
  }

  private handleMessage(data: unknown): void {
    if (typeof data !== 'string') {
      // Binary: a raw-byte broadcast (kind 4, vsn 2.0.0 only; R12.2). Nothing else comes as binary.
      const frame = decodeBinaryBroadcast(data);
      if (frame) this.events.onFrame(frame);
      return;
    }
    const decoded = decodeTextFrame(data, this.options.vsn);
    if (!decoded.ok) return;
    const frame = decoded.value;
    if (frame.topic === PHOENIX_TOPIC) {
      if (frame.event === 'phx_reply') this.heartbeat.handleReply(frame.ref);
      return;
    }
    this.events.onFrame(frame);
  }

  private handleClose(code: number, reasonText: string, detail: string | null): void {
    this.transport = null;
    this.stopLinkTimers();
    // Our server closes with a 4xxx code and the reason "CODE: message"; the text's code is the precise one.
    const closeName = closeReasonForCode(code);
    const parsed = parseErrorReason(reasonText);
    const reason = parsed.code !== 'UNKNOWN' ? parsed.code : (closeName ?? 'CONNECTION_LOST');
    this.events.onDown(reason);
    if (!this.wanted) return;
    const httpStatus = detail ? HTTP_REFUSAL.exec(detail)?.[1] : undefined;
    if (closeName === 'TOKEN_INVALID' || closeName === 'TOKEN_EXPIRED' || isTokenCode(reason) || httpStatus === '401') {
      this.handleAuthRefusal(isTokenCode(reason) ? reason : 'TOKEN_INVALID');
      return;
    }
    if (closeName && !CLOSE_CODES[closeName].reconnect) {
      this.enterError(reason);
      return;
    }
    this.scheduleRetry(httpStatus ? `HTTP ${httpStatus}` : reason);
  }

  private handleAuthRefusal(code: string): void {
    if (!this.options.tokens.canRefresh || this.authRetried) {
      this.enterError(code);
      return;
    }
    this.authRetried = true;
    this.update({ reason: code });
    this.open(true);
  }

  private scheduleRetry(reason: string): void {
    const attempt = this.statusValue.attempt + 1;
    const delayMs = backoffDelayMs(attempt, this.options.backoff, this.options.random);
    this.update({ state: 'reconnecting', reason, attempt, nextRetryAtMs: this.options.timers.now() + delayMs });
    this.retryTimer.start(delayMs, () => this.open(false));
  }

  private handleOnline(): void {
    if (!this.wanted || this.closedForever) return;
    if (this.retryTimer.active) this.open(false);
  }

  private handleOffline(): void {
    if (!this.wanted || this.closedForever || !this.transport) return;
    this.dropLink('OFFLINE', false);
    this.scheduleRetry('OFFLINE');
  }

  /** Closes the current socket without it reporting back, and tells the channels. */
  private dropLink(reason: string, graceful: boolean): void {
    const transport = this.transport;
    if (!transport) return;
    this.transport = null;
    this.stopLinkTimers();
    const closed = transport.close(graceful, 1000, reason);
    if (graceful) {
      // A graceful close on a dead link would wait for a close frame that never comes.
      const cut = this.options.timers.setTimeout(() => void transport.close(false), this.options.closeTimeoutMs);
      void closed.then(() => this.options.timers.clearTimeout(cut));
    }
    this.closing.add(closed);
    void closed.then(() => this.closing.delete(closed));
    this.events.onDown(reason);
  }

  private stopLinkTimers(): void {
    this.heartbeat.stop();
    this.stableTimer.stop();
  }

  private async whenSocketsClosed(): Promise<void> {
    await Promise.all([...this.closing]);
  }

  private update(partial: Partial<ConnectionStatus>): void {
    const current = this.statusValue;
    const next = { ...current, ...partial };
    const keys = Object.keys(next) as (keyof ConnectionStatus)[];
    if (keys.every((key) => next[key] === current[key])) return;
    this.statusValue = Object.freeze(next);
    for (const listener of [...this.statusListeners]) listener(this.statusValue);
  }
}
