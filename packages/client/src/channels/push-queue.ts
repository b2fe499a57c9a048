import { RealtimeError } from '../connection/realtime-error.ts';
import type { Timers } from '../connection/timers.ts';

/** One message the app pushed on a channel. */
export interface OutgoingPush {
  event: string;
  payload: unknown;
  /** False for fire-and-forget pushes (broadcast without ack): resolved once written. */
  expectReply: boolean;
  timeoutMs: number;
  resolve(response: unknown): void;
  reject(error: RealtimeError): void;
}

/** Where a queue writes: `ready` when the channel is joined on an open socket; `write` returns the ref or null. */
export interface PushWire {
  ready(): boolean;
  write(event: string, payload: unknown): string | null;
}

/**
 * Pushes waiting for the channel to join (bounded, in order) and pushes waiting for their reply (each
 * with its own timeout, started when it was sent).
 */
export class PushQueue {
  private buffered: OutgoingPush[] = [];
  private readonly inFlight = new Map<string, { push: OutgoingPush; timer: unknown }>();

  constructor(
    private readonly timers: Timers,
    private readonly maxBuffered: number,
    private readonly wire: PushWire,
  ) {}

  /** Sends now when ready, else buffers; rejects with PUSH_BUFFER_FULL when the buffer is full. */
  submit(push: OutgoingPush, topic: string): void {
    if (this.buffered.length === 0 && this.wire.ready() && this.send(push)) return;
    if (!this.buffer(push)) {
      push.reject(
        new RealtimeError('PUSH_BUFFER_FULL', `more than ${this.maxBuffered} messages wait for ${topic} to join`),
      );
    }
  }

  /** Sends the buffered pushes in order while the wire takes them. */
  flush(): void {
    while (this.buffered.length > 0 && this.wire.ready()) {
      const push = this.buffered[0]!;
      if (!this.send(push)) return;
      this.buffered.shift();
    }
  }

  private send(push: OutgoingPush): boolean {
    const ref = this.wire.write(push.event, push.payload);
    if (ref === null) return false;
    if (push.expectReply) this.awaitReply(ref, push);
    else push.resolve(undefined);
    return true;
  }

  get bufferedCount(): number {
    return this.buffered.length;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  private buffer(push: OutgoingPush): boolean {
    if (this.buffered.length >= this.maxBuffered) return false;
    this.buffered.push(push);
    return true;
  }

  takeBuffered(): OutgoingPush[] {
    const taken = this.buffered;
    this.buffered = [];
    return taken;
  }

  /** Awaits the reply to `ref`; rejects with TIMEOUT after the push's timeout. */
  private awaitReply(ref: string, push: OutgoingPush): void {
    const timer = this.timers.setTimeout(() => {
      if (!this.inFlight.delete(ref)) return;
      push.reject(new RealtimeError('TIMEOUT', `no reply to "${push.event}" within ${push.timeoutMs} ms`));
    }, push.timeoutMs);
    this.inFlight.set(ref, { push, timer });
  }

  /** Settles the push waiting for `ref`; false when none was. */
  settle(ref: string | null, status: unknown, response: unknown): boolean {
    if (ref === null) return false;
    const entry = this.inFlight.get(ref);
    if (!entry) return false;
    this.inFlight.delete(ref);
    this.timers.clearTimeout(entry.timer);
    if (status === 'ok') entry.push.resolve(response);
    else entry.push.reject(RealtimeError.fromResponse(response));
    return true;
  }

  failInFlight(error: RealtimeError): void {
    const entries = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const { push, timer } of entries) {
      this.timers.clearTimeout(timer);
      push.reject(error);
    }
  }

  failBuffered(error: RealtimeError): void {
    for (const push of this.takeBuffered()) push.reject(error);
  }
}
