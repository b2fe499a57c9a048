import { decodeTextFrame, encodeTextFrame, type Frame } from '@wedsync/protocol';
import type { WebSocketLike } from '../src/index.ts';

type Handler<E> = ((event: E) => void) | null;

/**
 * A WebSocket double driven by the test (the "server" side is the test itself): used where a real server
 * cannot be driven by fake timers (backoff schedules, dead links, minutes of idle time). Integration tests
 * use the real server instead.
 */
export class ScriptedSocket implements WebSocketLike {
  readyState = 0;
  binaryType = 'blob';
  onopen: Handler<unknown> = null;
  onclose: Handler<{ code: number; reason: string }> = null;
  onerror: Handler<{ message?: string }> = null;
  onmessage: Handler<{ data: unknown }> = null;
  readonly sent: Frame[] = [];
  closedBy: 'client-close' | 'client-terminate' | 'server' | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('WebSocket is not open');
    const decoded = decodeTextFrame(data, '1.0.0');
    if (!decoded.ok) throw new Error(`client sent a malformed frame: ${decoded.message}`);
    this.sent.push(decoded.value);
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState >= 2) return;
    this.readyState = 2;
    this.closedBy = 'client-close';
    queueMicrotask(() => this.finish(code, reason));
  }

  terminate(): void {
    if (this.readyState === 3) return;
    this.closedBy = 'client-terminate';
    this.finish(1006, '');
  }

  // ---- the server's side ----

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(frame: Frame): void {
    this.onmessage?.({ data: encodeTextFrame(frame, '1.0.0') });
  }

  /** Replies to the last frame the client sent with `event` on `topic`. */
  reply(match: { topic: string; event: string }, status: 'ok' | 'error', response: unknown = {}): Frame {
    const request = this.lastSent(match);
    this.receive({
      joinRef: request.joinRef,
      ref: request.ref,
      topic: request.topic,
      event: 'phx_reply',
      payload: { status, response },
    });
    return request;
  }

  lastSent(match: { topic: string; event: string }): Frame {
    const request = this.sent.filter((frame) => frame.topic === match.topic && frame.event === match.event).at(-1);
    if (!request) throw new Error(`the client sent no ${match.event} on ${match.topic}`);
    return request;
  }

  sentEvents(topic?: string): string[] {
    return this.sent.filter((frame) => topic === undefined || frame.topic === topic).map((frame) => frame.event);
  }

  /** Answers every heartbeat the client sent and has not had answered. */
  answerHeartbeats(): void {
    for (const frame of this.sent.filter((sent) => sent.event === 'heartbeat' && !this.answered.has(sent.ref!))) {
      this.answered.add(frame.ref!);
      this.receive({
        joinRef: null,
        ref: frame.ref,
        topic: 'phoenix',
        event: 'phx_reply',
        payload: { status: 'ok', response: {} },
      });
    }
  }

  serverClose(code: number, reason = ''): void {
    this.closedBy = 'server';
    this.finish(code, reason);
  }

  /** The connection attempt fails (refused, DNS, HTTP error): error then close 1006. */
  fail(message = 'connect ECONNREFUSED'): void {
    this.onerror?.({ message });
    this.finish(1006, '');
  }

  private readonly answered = new Set<string>();

  private finish(code: number, reason: string): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

/** A WebSocket class that records every socket it creates. */
export function scriptedWebSocket() {
  const sockets: ScriptedSocket[] = [];
  class Socket extends ScriptedSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  return {
    WebSocket: Socket,
    sockets,
    last(): ScriptedSocket {
      const socket = sockets.at(-1);
      if (!socket) throw new Error('no socket was opened');
      return socket;
    },
  };
}
