import { EventEmitter } from 'node:events';
import type { LongPollMessage, LongPollResponse } from '@wedsync/protocol';

/** `ws` readyState values, so the session code treats this socket like a WebSocket. */
const OPEN = 1;
const CLOSED = 3;

export type PollAnswer = (response: LongPollResponse) => void;

interface HeldPoll {
  answer: PollAnswer;
  timer: NodeJS.Timeout;
}

/**
 * The frame sink of a long-poll session (R15.1): the part of the `ws` WebSocket surface that `Session`
 * and the router use (`readyState`, `bufferedAmount`, `send`, `close`, `terminate`, `'message'` and
 * `'close'` events), backed by a queue that the client drains with polls. So a long-poll session is an
 * ordinary `Session` with another sink: same router, authorization, rate limits and channel limits.
 *
 * Delivery is exactly once across lost responses: each answered batch has a number and stays "in
 * flight" until the next poll acknowledges it (`ack`); a poll that does not is answered with the same
 * batch again (the client drops batch numbers it already has). At most one poll is held at a time; a
 * newer poll answers the held one with 204 at once.
 */
export class LongPollSocket extends EventEmitter {
  readyState = OPEN;
  /** Bytes queued or in flight, not yet acknowledged (the session closes a slow consumer above its limit). */
  bufferedAmount = 0;
  /** Why the session ended, once it did; the next poll after the last batch receives it. */
  closeInfo: { code: number; reason: string } | undefined;
  private pending: LongPollMessage[] = [];
  private pendingBytes = 0;
  private inflight: { batch: number; messages: LongPollMessage[]; bytes: number } | undefined;
  private batchCounter = 0;
  private held: HeldPoll | undefined;
  private answerScheduled = false;
  private closeDelivered = false;

  constructor(
    readonly token: string,
    private readonly pollTimeoutMs: number,
  ) {
    super();
  }

  /** Queues one frame (text as is, binary as base64); the held poll is answered at the end of this turn. */
  send(data: Buffer | Uint8Array | string, options: { binary?: boolean } = {}): void {
    if (this.readyState !== OPEN) return;
    let message: LongPollMessage;
    let bytes: number;
    if (options.binary && typeof data !== 'string') {
      message = { b: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') };
      bytes = data.byteLength;
    } else {
      message = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
      bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    }
    this.pending.push(message);
    this.pendingBytes += bytes;
    this.bufferedAmount += bytes;
    this.scheduleAnswer();
  }

  /** Ends the session from the server side; queued frames are still delivered, then `{status: code}`. */
  close(code = 1000, reason = ''): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.closeInfo = { code, reason };
    this.scheduleAnswer();
    // `ws` reports 'close' asynchronously too; the session is disposed outside the caller's stack.
    queueMicrotask(() => this.emit('close', code, Buffer.from(reason)));
  }

  terminate(): void {
    this.close(1006, '');
  }

  /** The client ended the session (DELETE): nothing more is delivered. */
  closeByClient(): void {
    this.dropQueues();
    this.close(1000, 'closed by the client');
  }

  /** A poll is held open waiting for frames. */
  get holding(): boolean {
    return this.held !== undefined;
  }

  /** True once the session ended and its close status went out after its last frames (forget it). */
  get finished(): boolean {
    return this.closeDelivered;
  }

  /**
   * A poll that acknowledges batches up to `ack`. Answers now when there is something to deliver
   * (an unacknowledged batch again, queued frames, the close status), else holds the poll for
   * `pollTimeoutMs` and answers 204. `answer` is called exactly once unless `abandon()` comes first.
   */
  poll(ack: number, answer: PollAnswer): void {
    if (this.inflight && ack >= this.inflight.batch) {
      this.bufferedAmount -= this.inflight.bytes;
      this.inflight = undefined;
    }
    this.answerHeld({ status: 204, token: this.token });
    const now = this.takeResponse();
    if (now) {
      answer(now);
      return;
    }
    const timer = setTimeout(() => this.answerHeld({ status: 204, token: this.token }), this.pollTimeoutMs);
    this.held = { answer, timer };
  }

  /** The client went away while its poll was held (request aborted): nothing is lost, the batch stays queued. */
  abandon(answer: PollAnswer): void {
    if (this.held?.answer !== answer) return;
    clearTimeout(this.held.timer);
    this.held = undefined;
  }

  /** Releases the held poll's timer (server shutdown or forgotten session). */
  dispose(): void {
    this.answerHeld(this.closeInfo ? this.closeResponse() : { status: 204, token: this.token });
    this.dropQueues();
  }

  private dropQueues(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.inflight = undefined;
    this.bufferedAmount = 0;
  }

  private scheduleAnswer(): void {
    if (this.answerScheduled) return;
    this.answerScheduled = true;
    // Everything the session flushes in one turn goes out as one batch.
    queueMicrotask(() => {
      this.answerScheduled = false;
      if (!this.held) return;
      const response = this.takeResponse();
      if (response) this.answerHeld(response);
    });
  }

  private answerHeld(response: LongPollResponse): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    clearTimeout(held.timer);
    held.answer(response);
  }

  /** What a poll should receive now, or undefined when it should wait. */
  private takeResponse(): LongPollResponse | undefined {
    if (this.inflight) return this.batchResponse(this.inflight.batch, this.inflight.messages);
    if (this.pending.length > 0) {
      this.batchCounter += 1;
      this.inflight = { batch: this.batchCounter, messages: this.pending, bytes: this.pendingBytes };
      this.pending = [];
      this.pendingBytes = 0;
      return this.batchResponse(this.inflight.batch, this.inflight.messages);
    }
    if (!this.closeInfo) return undefined;
    this.closeDelivered = true;
    return this.closeResponse();
  }

  private batchResponse(batch: number, messages: LongPollMessage[]): LongPollResponse {
    return { status: 200, token: this.token, batch, messages };
  }

  private closeResponse(): LongPollResponse {
    const info = this.closeInfo ?? { code: 1000, reason: '' };
    return { status: info.code, reason: info.reason };
  }
}
