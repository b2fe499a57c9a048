import { TimerSlot, type Timers } from '../connection/timers.ts';
import { type FetchLike, LongPollSocket, longPollUrl } from './long-poll-socket.ts';
import type { WebSocketConstructor, WebSocketLike } from './websocket-transport.ts';

export type TransportKind = 'websocket' | 'longpoll';

export interface LongPollFallbackOptions {
  /** HTTP client. Default `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Consecutive failed WebSocket opens before falling back. Default 2. An HTTP refusal of the upgrade (`ws` reports its status) falls back at once. */
  fallbackAfterFailures?: number;
  /** While on long-poll, try a WebSocket this often and switch back when one opens. Default 60_000. */
  upgradeProbeIntervalMs?: number;
  /** Extra wait for a poll beyond the server's timeout before the link counts as dead. Default 10_000. */
  pollGraceMs?: number;
}

export interface TransportSelectorOptions {
  WebSocket: WebSocketConstructor;
  /** `false`: WebSocket only. */
  longPoll: LongPollFallbackOptions | false;
  timers: Timers;
  /** Bytes of every frame or HTTP body sent and received (R13.2). */
  onBytes?(direction: 'sent' | 'received', bytes: number): void;
  /** A probe WebSocket opened while on long-poll: reconnect now to switch (channels resume from their seq). */
  onUpgradeAvailable(): void;
}

type Handler<E> = ((event: E) => void) | null;
type CloseEvent = { code: number; reason: string | { toString(): string } };
const HTTP_REFUSAL = /Unexpected server response: (\d{3})/;
const encoder = new TextEncoder();

/**
 * R15.1 transport selection. `WebSocket` is a constructor for the connection layer: each link it makes
 * is a WebSocket, or a long-poll session once WebSockets keep failing (a WebSocket that never opened,
 * or opened and dropped abnormally before a single frame arrived, counts as failed). The fallback
 * happens inside the same link attempt, so the connection just sees a slower open. While on
 * long-poll, a probe WebSocket is tried every `upgradeProbeIntervalMs` (not while `setProbing(false)`,
 * e.g. the page is hidden); when one opens, `onUpgradeAvailable` asks the client to reconnect, and the
 * next link is a WebSocket again. A long-poll open that fails sends the next attempt to WebSocket.
 */
export class TransportSelector {
  readonly WebSocket: WebSocketConstructor;
  private mode: TransportKind = 'websocket';
  private kindValue: TransportKind = 'websocket';
  private failures = 0;
  private probing = true;
  private probeUrl: string | null = null;
  private probeSocket: WebSocketLike | null = null;
  private readonly probeTimer: TimerSlot;
  private readonly listeners = new Set<(kind: TransportKind) => void>();
  private disposed = false;

  constructor(private readonly options: TransportSelectorOptions) {
    this.probeTimer = new TimerSlot(options.timers);
    const selector = this;
    this.WebSocket = class SelectedSocket extends SelectedLink {
      constructor(url: string) {
        super(selector, url);
      }
    };
  }

  /** The transport of the current (or last) open link. */
  get kind(): TransportKind {
    return this.kindValue;
  }

  onKindChange(listener: (kind: TransportKind) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Upgrade probes run only while enabled (they are timers; a hidden page should not run them). */
  setProbing(enabled: boolean): void {
    this.probing = enabled;
    if (!enabled) this.stopProbe();
    else if (this.kindValue === 'longpoll' && this.probeUrl) this.scheduleProbe();
  }

  dispose(): void {
    this.disposed = true;
    this.stopProbe();
    this.probeUrl = null;
    this.listeners.clear();
  }

  /** @internal */ get longPollEnabled(): boolean {
    return this.options.longPoll !== false && this.fetchImpl() !== undefined;
  }

  /** @internal */ get currentMode(): TransportKind {
    return this.mode;
  }

  /** @internal */ countBytes(direction: 'sent' | 'received', bytes: number): void {
    this.options.onBytes?.(direction, bytes);
  }

  /** @internal */ createWebSocket(url: string): WebSocketLike {
    return new this.options.WebSocket(url);
  }

  /** @internal */ createLongPoll(url: string): WebSocketLike {
    const longPoll = this.fallback;
    return new LongPollSocket(longPollUrl(url), {
      fetch: this.fetchImpl()!,
      timers: this.options.timers,
      pollGraceMs: longPoll.pollGraceMs,
      onBytes: (direction, bytes) => this.countBytes(direction, bytes),
    });
  }

  /** @internal A WebSocket attempt failed; true when this link should continue over long-poll. */
  noteWebSocketFailure(detail: string | null): boolean {
    if (!this.longPollEnabled) return false;
    this.failures += 1;
    const threshold = this.fallback.fallbackAfterFailures ?? 2;
    const refusedStatus = detail ? HTTP_REFUSAL.exec(detail)?.[1] : undefined;
    if (this.failures >= threshold || (refusedStatus !== undefined && refusedStatus !== '401')) this.mode = 'longpoll';
    return this.mode === 'longpoll';
  }

  /** @internal A long-poll open failed: try WebSocket first next time, and fall back again after one failure. */
  noteLongPollFailure(): void {
    this.mode = 'websocket';
    this.failures = Math.max(0, (this.fallback.fallbackAfterFailures ?? 2) - 1);
  }

  /** @internal */ noteOpened(kind: TransportKind, url: string): void {
    if (kind === 'websocket') this.failures = 0;
    this.probeUrl = url;
    if (this.kindValue !== kind) {
      this.kindValue = kind;
      for (const listener of [...this.listeners]) listener(kind);
    }
    if (kind === 'longpoll') this.scheduleProbe();
    else this.stopProbe();
  }

  /** @internal */ noteClosed(kind: TransportKind): void {
    if (kind === 'longpoll') this.stopProbe();
  }

  private get fallback(): LongPollFallbackOptions {
    return this.options.longPoll === false ? {} : this.options.longPoll;
  }

  private fetchImpl(): FetchLike | undefined {
    const longPoll = this.options.longPoll;
    if (longPoll === false) return undefined;
    return longPoll.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
  }

  private scheduleProbe(): void {
    if (!this.probing || this.disposed || this.probeSocket || this.probeTimer.active) return;
    const intervalMs = this.fallback.upgradeProbeIntervalMs ?? 60_000;
    this.probeTimer.start(intervalMs, () => this.probe());
  }

  private probe(): void {
    const url = this.probeUrl;
    if (!url || this.kindValue !== 'longpoll') return;
    let socket: WebSocketLike;
    try {
      socket = this.createWebSocket(url);
    } catch {
      this.scheduleProbe();
      return;
    }
    this.probeSocket = socket;
    let opened = false;
    socket.onerror = () => {};
    socket.onmessage = () => {};
    socket.onopen = () => {
      opened = true;
      socket.close(1000, 'probe');
    };
    socket.onclose = () => {
      if (this.probeSocket !== socket) return;
      this.probeSocket = null;
      if (this.disposed) return;
      if (!opened) {
        this.scheduleProbe();
        return;
      }
      this.mode = 'websocket';
      this.failures = 0;
      this.options.onUpgradeAvailable();
    };
  }

  private stopProbe(): void {
    this.probeTimer.stop();
    const socket = this.probeSocket;
    this.probeSocket = null;
    if (!socket) return;
    try {
      if (typeof socket.terminate === 'function') socket.terminate();
      else socket.close(1000, 'probe');
    } catch {
      // A probe that already failed may throw on close; it is gone either way.
    }
  }
}

/**
 * One link as the connection layer sees it: a WebSocket-shaped object that starts as a WebSocket (or
 * as long-poll when the selector is in fallback mode) and may continue over long-poll before it opens.
 */
class SelectedLink implements WebSocketLike {
  binaryType = 'arraybuffer';
  onopen: Handler<unknown> = null;
  onclose: Handler<CloseEvent> = null;
  onerror: Handler<unknown> = null;
  onmessage: Handler<{ data: unknown }> = null;
  private inner: WebSocketLike;
  private innerKind: TransportKind;
  private opened = false;
  private received = false;
  private ended = false;
  private lastError: string | null = null;

  constructor(
    private readonly selector: TransportSelector,
    private readonly url: string,
  ) {
    this.innerKind = selector.currentMode === 'longpoll' && selector.longPollEnabled ? 'longpoll' : 'websocket';
    this.inner = this.start(this.innerKind);
  }

  get readyState(): number {
    return this.inner.readyState;
  }

  send(data: string | Uint8Array): void {
    this.inner.send(data);
    if (this.innerKind === 'websocket') this.selector.countBytes('sent', byteLength(data));
  }

  close(code?: number, reason?: string): void {
    this.ended = true;
    this.inner.close(code, reason);
  }

  terminate(): void {
    this.ended = true;
    if (typeof this.inner.terminate === 'function') this.inner.terminate();
    else this.inner.close();
  }

  private start(kind: TransportKind): WebSocketLike {
    const socket =
      kind === 'longpoll' ? this.selector.createLongPoll(this.url) : this.selector.createWebSocket(this.url);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      if (socket !== this.inner) return;
      this.opened = true;
      this.selector.noteOpened(kind, this.url);
      this.onopen?.({});
    };
    socket.onmessage = (event) => {
      if (socket !== this.inner) return;
      this.received = true;
      if (kind === 'websocket') this.selector.countBytes('received', byteLength(event.data));
      this.onmessage?.(event);
    };
    socket.onerror = (event) => {
      const { message: text, error } = (event ?? {}) as { message?: unknown; error?: unknown };
      const message = text ?? (error instanceof Error ? error.message : undefined);
      if (typeof message === 'string') this.lastError = message;
      if (socket === this.inner) this.onerror?.(event);
    };
    socket.onclose = (event) => {
      if (socket !== this.inner) return;
      this.selector.noteClosed(kind);
      if (!this.ended && this.shouldFallBack(kind, event)) {
        this.innerKind = 'longpoll';
        this.opened = false;
        this.inner = this.start('longpoll');
        return;
      }
      if (kind === 'longpoll' && !this.opened && !this.ended) this.selector.noteLongPollFailure();
      this.onclose?.(event);
    };
    return socket;
  }

  /** A WebSocket that never opened, or dropped abnormally before any frame, is a failure (R15.1). */
  private shouldFallBack(kind: TransportKind, event: CloseEvent): boolean {
    if (kind !== 'websocket') return false;
    const failed = !this.opened || (event.code === 1006 && !this.received);
    if (!failed) return false;
    const fallBack = this.selector.noteWebSocketFailure(this.lastError);
    // Only a link that never opened can continue over long-poll; an opened one reports its close.
    return fallBack && !this.opened;
  }
}

function byteLength(data: unknown): number {
  if (typeof data === 'string') return encoder.encode(data).byteLength;
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}
