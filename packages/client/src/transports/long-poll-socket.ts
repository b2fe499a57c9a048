import { isLongPollClose, type LongPollResponse, longPollResponseSchema } from '@wedsync/protocol';
import type { Timers } from '../connection/timers.ts';
import type { WebSocketLike } from './websocket-transport.ts';

type Handler<E> = ((event: E) => void) | null;
export type FetchLike = (
  url: string,
  init: { method: string; body?: string; headers?: Record<string, string>; signal?: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

export interface LongPollSocketOptions {
  fetch: FetchLike;
  timers: Timers;
  /** A poll unanswered this long past the server's poll timeout counts as a dead link. Default 10_000. */
  pollGraceMs?: number;
  /** A graceful close waits this long for the DELETE. Default 2_000. */
  closeTimeoutMs?: number;
  /** Called with the bytes of every request body sent and response body received. */
  onBytes?(direction: 'sent' | 'received', bytes: number): void;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
const encoder = new TextEncoder();
/** Opening and sending get an answer at once from a live server; this long without one is a dead link. */
const SEND_TIMEOUT_MS = 30_000;

/** `ws[s]://host/…/websocket?q` → `http[s]://host/…/longpoll?q` (the server mounts both side by side). */
export function longPollUrl(webSocketUrl: string): string {
  const url = new URL(webSocketUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
  url.pathname = url.pathname.replace(/\/websocket$/, '/longpoll');
  return url.toString();
}

/**
 * The long-poll transport (R15.1) behind the WebSocket surface the SDK already speaks, so the
 * connection state machine, heartbeat and channels run unchanged over it. Open: GET without token.
 * Then one poll at a time (acknowledging the last batch, so a lost answer is re-sent, never lost or
 * applied twice) and one POST at a time (frames queued meanwhile go in the next POST, in order, split
 * to the server's body cap). A dead poll (no answer by the server's timeout plus grace) closes with
 * 1006 like a dropped socket; the server's close status closes with its code and reason.
 */
export class LongPollSocket implements WebSocketLike {
  readyState = CONNECTING;
  binaryType = 'arraybuffer';
  onopen: Handler<unknown> = null;
  onclose: Handler<{ code: number; reason: string }> = null;
  onerror: Handler<{ message: string }> = null;
  onmessage: Handler<{ data: unknown }> = null;
  private token = '';
  private ack = 0;
  private pollTimeoutMs = 20_000;
  private maxBodyBytes = 1_048_576;
  private readonly outgoing: string[] = [];
  private posting = false;
  private readonly requests = new Set<AbortController>();
  private readonly base: string;

  constructor(
    url: string,
    private readonly options: LongPollSocketOptions,
  ) {
    this.base = url;
    void this.run();
  }

  /** A text frame as is; a binary frame (R12.2) as the line `{"b":"<base64>"}`, as the server delivers them. */
  send(data: string | Uint8Array): void {
    if (this.readyState !== OPEN) throw new Error('long-poll session is not open');
    this.outgoing.push(typeof data === 'string' ? data : JSON.stringify({ b: encodeBase64(data) }));
    void this.pump();
  }

  /** Ends the session on the server (DELETE, bounded by closeTimeoutMs), then reports the close. */
  close(code = 1000, reason = ''): void {
    if (this.readyState >= CLOSING) return;
    const wasOpen = this.readyState === OPEN;
    this.readyState = CLOSING;
    this.abortAll();
    if (!wasOpen) {
      this.finish(code, reason);
      return;
    }
    const timeoutMs = this.options.closeTimeoutMs ?? 2_000;
    void this.request('DELETE', this.sessionUrl(''), undefined, timeoutMs, true).then(() => this.finish(code, reason));
  }

  /** Drops the link at once (dead link); the server forgets the session after two heartbeat intervals. */
  terminate(): void {
    if (this.readyState === CLOSED) return;
    this.abortAll();
    this.finish(1006, '');
  }

  private async run(): Promise<void> {
    const opened = await this.exchange(this.base, SEND_TIMEOUT_MS);
    if (!opened || this.readyState !== CONNECTING) return;
    if (!('pollTimeoutMs' in opened)) return this.fail('long-poll open: unexpected answer');
    this.token = opened.token;
    this.pollTimeoutMs = opened.pollTimeoutMs;
    this.maxBodyBytes = opened.maxBodyBytes;
    this.readyState = OPEN;
    this.onopen?.({});
    while (this.readyState === OPEN) {
      const answer = await this.exchange(
        this.sessionUrl(`&ack=${this.ack}`),
        this.pollTimeoutMs + (this.options.pollGraceMs ?? 10_000),
      );
      if (!answer || this.readyState !== OPEN) return;
      if (answer.status === 200 && 'batch' in answer && answer.batch > this.ack) {
        this.ack = answer.batch;
        for (const message of answer.messages) {
          if (this.readyState !== OPEN) return;
          this.onmessage?.({ data: typeof message === 'string' ? message : decodeBase64(message.b) });
        }
      }
    }
  }

  private async pump(): Promise<void> {
    if (this.posting) return;
    this.posting = true;
    try {
      while (this.readyState === OPEN && this.outgoing.length > 0) {
        const answer = await this.request('POST', this.sessionUrl(''), this.takeBody(), SEND_TIMEOUT_MS);
        if (!answer || this.readyState !== OPEN) return;
        const status = (answer.body as { status?: unknown } | undefined)?.status;
        if (status === 200) continue;
        if (!this.endsSession(answer.body)) this.fail(`long-poll POST refused: ${JSON.stringify(answer.body)}`);
        return;
      }
    } finally {
      this.posting = false;
    }
  }

  /** Queued frames up to the server's body cap (always at least one), one per line. */
  private takeBody(): string {
    let bytes = 0;
    let count = 0;
    for (const frame of this.outgoing) {
      const size = encoder.encode(frame).byteLength + 1;
      if (count > 0 && bytes + size > this.maxBodyBytes) break;
      bytes += size;
      count += 1;
    }
    return this.outgoing.splice(0, count).join('\n');
  }

  /** A GET: the parsed answer, or undefined when the socket ended (close status, failure, or closed by us). */
  private async exchange(url: string, timeoutMs: number): Promise<LongPollResponse | undefined> {
    const answer = await this.request('GET', url, undefined, timeoutMs);
    if (!answer || this.readyState >= CLOSING) return undefined;
    const parsed = longPollResponseSchema.safeParse(answer.body);
    if (!parsed.success) {
      this.fail(`long-poll GET: unexpected answer (HTTP ${answer.httpStatus})`);
      return undefined;
    }
    const response = parsed.data as LongPollResponse;
    return this.endsSession(response) ? undefined : response;
  }

  /** A close status from the server ends the socket with its code and reason. */
  private endsSession(body: unknown): boolean {
    const parsed = longPollResponseSchema.safeParse(body);
    if (!parsed.success || !isLongPollClose(parsed.data as LongPollResponse)) return false;
    const close = parsed.data as { status: number; reason: string };
    this.finish(close.status, close.reason);
    return true;
  }

  /** One request; a network failure or timeout ends the socket with 1006 unless `quiet`. */
  private async request(
    method: string,
    url: string,
    body: string | undefined,
    timeoutMs: number,
    quiet = false,
  ): Promise<{ httpStatus: number; body: unknown } | undefined> {
    const controller = new AbortController();
    this.requests.add(controller);
    const timer = this.options.timers.setTimeout(() => controller.abort(), timeoutMs);
    try {
      if (body !== undefined) this.options.onBytes?.('sent', encoder.encode(body).byteLength);
      const headers = body === undefined ? undefined : { 'content-type': 'text/plain;charset=UTF-8' };
      const response = await this.options.fetch(url, { method, body, headers, signal: controller.signal });
      const text = await response.text();
      this.options.onBytes?.('received', encoder.encode(text).byteLength);
      return { httpStatus: response.status, body: parseJson(text) };
    } catch (error) {
      if (quiet || this.readyState >= CLOSING) return undefined;
      this.fail(controller.signal.aborted ? `long-poll ${method} timed out` : errorText(error));
      return undefined;
    } finally {
      this.options.timers.clearTimeout(timer);
      this.requests.delete(controller);
    }
  }

  private sessionUrl(extra: string): string {
    const url = new URL(this.base);
    for (const key of ['apikey', 'access_token']) url.searchParams.delete(key);
    url.searchParams.set('token', this.token);
    return `${url.toString()}${extra}`;
  }

  private fail(message: string): void {
    if (this.readyState >= CLOSING) return;
    this.onerror?.({ message });
    this.abortAll();
    this.finish(1006, '');
  }

  private abortAll(): void {
    for (const controller of this.requests) controller.abort();
    this.requests.clear();
  }

  private finish(code: number, reason: string): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.outgoing.length = 0;
    this.onclose?.({ code, reason });
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let index = 0; index < bytes.length; index += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(index, index + CHUNK));
  }
  return btoa(binary);
}

function decodeBase64(text: string): ArrayBuffer {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes.buffer;
}
