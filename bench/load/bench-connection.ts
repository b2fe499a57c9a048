import WebSocket from 'ws';
import { nowUs } from '../clock/monotonic-clock.ts';
import { readStamp } from './stamp.ts';

/** What the worker does with what a connection receives. */
export interface ConnectionHooks {
  /** A stamped message arrived (`latencyUs` = arrival − scheduled send). */
  onStamp(connection: BenchConnection, latencyUs: number): void;
  /** Phoenix: a push that is not a reply to our own request. */
  onPush(connection: BenchConnection, topic: string, event: string, payload: unknown): void;
  /** The socket closed (for any reason, after it had opened). */
  onClose(connection: BenchConnection): void;
}

export interface Reply {
  status: string;
  response: unknown;
}

/**
 * One counting client: a raw `ws` socket plus the few bits of protocol state a load client needs
 * (refs and pending replies for Phoenix, the Engine.IO handshake). The protocol specifics live in
 * the `WireDialect` the worker passes in.
 */
export class BenchConnection {
  socket: WebSocket | undefined;
  /** Phoenix: join ref per topic. */
  readonly joinRefs = new Map<string, string>();
  /** Record sync: highest seq seen on the room channel (replay, live or resync). */
  lastSeq: number | undefined;
  /** Presence churn: currently joined to the room topic. */
  joined = true;
  /** Durable sync writer state. */
  nextMid = 0;
  readonly versions = new Map<string, number>();
  private nextRef = 0;
  private readonly replies = new Map<string, (reply: Reply) => void>();
  /** Engine.IO: the handshake finished (`40` received), and who waits for it. */
  handshakeDone = false;
  handshake: { resolve(): void; reject(error: Error): void } | undefined;

  constructor(
    readonly g: number,
    readonly room: number,
    readonly topics: readonly string[],
  ) {}

  get open(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Opens the socket; resolves at `open` (the upgrade completed). */
  connect(
    url: string,
    localAddress: string | undefined,
    hooks: ConnectionHooks,
    onText: (text: string) => void,
  ): Promise<void> {
    this.replies.clear();
    this.nextRef = 0;
    this.handshakeDone = false;
    const socket = new WebSocket(url, {
      perMessageDeflate: false,
      ...(localAddress ? { localAddress } : {}),
      handshakeTimeout: 30_000,
    });
    this.socket = socket;
    return new Promise((resolve, reject) => {
      let opened = false;
      socket.on('message', (data: Buffer) => {
        const arrivedUs = nowUs();
        const stamp = readStamp(data);
        if (stamp >= 0) hooks.onStamp(this, arrivedUs - stamp);
        else onText(data.toString());
      });
      socket.once('open', () => {
        opened = true;
        resolve();
      });
      socket.once('error', (error) => {
        if (!opened) reject(error);
      });
      socket.on('error', () => {});
      socket.once('close', (code, reason) => {
        for (const waiter of this.replies.values())
          waiter({ status: 'closed', response: { code, reason: String(reason) } });
        this.replies.clear();
        this.handshake?.reject(new Error(`closed ${code} ${String(reason)}`));
        this.handshake = undefined;
        if (!opened) reject(new Error(`closed before open: ${code} ${String(reason)}`));
        else hooks.onClose(this);
      });
    });
  }

  send(text: string): void {
    if (this.open) this.socket!.send(text);
  }

  /** Phoenix: sends `[joinRef, ref, topic, event, payload]` and resolves with the phx_reply. */
  request(topic: string, event: string, payload: unknown): Promise<Reply> {
    const ref = String(++this.nextRef);
    const joinRef = event === 'phx_join' ? ref : (this.joinRefs.get(topic) ?? null);
    if (event === 'phx_join') this.joinRefs.set(topic, ref);
    const replied = new Promise<Reply>((resolve) => this.replies.set(ref, resolve));
    this.send(JSON.stringify([joinRef, ref, topic, event, payload]));
    return replied;
  }

  /** Phoenix: a push without a ref (no reply). */
  push(topic: string, event: string, payload: unknown): void {
    this.send(JSON.stringify([this.joinRefs.get(topic) ?? null, null, topic, event, payload]));
  }

  /** Phoenix: a ref for a push whose reply is handled by `onReply`. */
  requestWith(topic: string, event: string, payload: unknown, onReply: (reply: Reply) => void): void {
    const ref = String(++this.nextRef);
    this.replies.set(ref, onReply);
    this.send(JSON.stringify([this.joinRefs.get(topic) ?? null, ref, topic, event, payload]));
  }

  /** Phoenix: routes a received frame; returns false when it was not a reply we waited for. */
  settleReply(ref: unknown, payload: unknown): boolean {
    if (typeof ref !== 'string') return false;
    const waiter = this.replies.get(ref);
    if (!waiter) return false;
    this.replies.delete(ref);
    const { status, response } = (payload ?? {}) as Partial<Reply>;
    waiter({ status: String(status), response });
    return true;
  }

  /** Drops the TCP connection without a close handshake. */
  kill(): void {
    this.socket?.terminate();
  }

  close(): void {
    if (this.socket && this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
  }
}
