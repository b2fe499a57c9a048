/**
 * The WebSocket seam. Browsers pass nothing (globalThis.WebSocket); Node passes the `ws` class. Only the
 * surface both share is used: `on*` handler properties, `send(string | bytes)`, `close(code, reason)`, and
 * `terminate()` when present (`ws`), which drops a dead link at once instead of waiting for a close
 * handshake that will never come.
 */

// Handler properties are declared with method-style bivariance so both DOM and `ws` event types fit.
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  onopen: Handler<unknown> | null;
  onclose: Handler<{ code: number; reason: string | { toString(): string } }> | null;
  onerror: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  /** A text frame, or a binary one (vsn 2.0.0 kind 3 broadcast, R12.2). */
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  terminate?: () => void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export const WEBSOCKET_OPEN = 1;

export interface TransportHandlers {
  onOpen(): void;
  onMessage(data: unknown): void;
  /**
   * The socket is gone. `detail` carries the error text the platform gave, if any (`ws` reports an HTTP
   * refusal of the upgrade as "Unexpected server response: 401").
   */
  onClose(code: number, reason: string, detail: string | null): void;
}

/** One socket. Once `close`d or dropped it reports nothing more, so stale events never reach the SDK. */
export class WebSocketTransport {
  private readonly socket: WebSocketLike;
  private detached = false;
  private lastError: string | null = null;
  /** Resolves when the underlying socket has fully closed (its handle is released). */
  readonly closed: Promise<void>;

  constructor(WebSocketImpl: WebSocketConstructor, url: string, handlers: TransportHandlers) {
    let markClosed!: () => void;
    this.closed = new Promise((resolve) => {
      markClosed = resolve;
    });
    this.socket = new WebSocketImpl(url);
    this.socket.binaryType = 'arraybuffer';
    this.socket.onopen = () => {
      if (!this.detached) handlers.onOpen();
    };
    this.socket.onmessage = (event) => {
      if (!this.detached) handlers.onMessage(event.data);
    };
    // Keep an error handler even after detaching: `ws` throws on an 'error' event nobody listens to.
    this.socket.onerror = (event) => {
      const { message: text, error } = (event ?? {}) as { message?: unknown; error?: unknown };
      const message = text ?? (error instanceof Error ? error.message : undefined);
      if (typeof message === 'string') this.lastError = message;
    };
    this.socket.onclose = (event) => {
      markClosed();
      if (this.detached) return;
      this.detached = true;
      handlers.onClose(event?.code ?? 1006, String(event?.reason ?? ''), this.lastError);
    };
  }

  get isOpen(): boolean {
    return !this.detached && this.socket.readyState === WEBSOCKET_OPEN;
  }

  /** Sends one text or binary frame; false when the socket cannot take it. */
  send(data: string | Uint8Array): boolean {
    if (!this.isOpen) return false;
    try {
      this.socket.send(data);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Closes without reporting back. `graceful` sends a close frame (manual disconnect); otherwise the socket
   * is terminated at once where the platform allows (dead link).
   */
  close(graceful: boolean, code = 1000, reason = ''): Promise<void> {
    this.detached = true;
    try {
      if (!graceful && typeof this.socket.terminate === 'function') this.socket.terminate();
      else this.socket.close(code, reason);
    } catch {
      // Closing an already failed socket may throw in some runtimes; it is gone either way.
    }
    return this.closed;
  }
}
