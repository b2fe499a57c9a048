import { TimerSlot, type Timers } from './timers.ts';

export interface HeartbeatLink {
  /** Sends one heartbeat with this ref. */
  send(ref: string): void;
  makeRef(): string;
  /** An answer arrived; `latencyMs` is its round trip. */
  onLatency(latencyMs: number): void;
  /** The previous heartbeat was still unanswered when the next was due (R1.3). */
  onDead(): void;
}

/**
 * R1.3: one heartbeat at once when the link opens (so latency is known at once), then one per interval.
 * A heartbeat unanswered when the next one is due means the link is dead.
 */
export class Heartbeat {
  private pending: { ref: string; sentAtMs: number } | null = null;
  private readonly timer: TimerSlot;

  constructor(
    private readonly timers: Timers,
    private readonly intervalMs: number,
    private readonly link: HeartbeatLink,
  ) {
    this.timer = new TimerSlot(timers);
  }

  start(): void {
    this.stop();
    this.beat();
  }

  stop(): void {
    this.timer.stop();
    this.pending = null;
  }

  /** Returns true when `ref` answered the pending heartbeat. */
  handleReply(ref: string | null): boolean {
    if (!this.pending || ref !== this.pending.ref) return false;
    const latencyMs = this.timers.now() - this.pending.sentAtMs;
    this.pending = null;
    this.link.onLatency(latencyMs);
    return true;
  }

  private beat(): void {
    if (this.pending) {
      this.stop();
      this.link.onDead();
      return;
    }
    const ref = this.link.makeRef();
    this.pending = { ref, sentAtMs: this.timers.now() };
    this.link.send(ref);
    this.timer.start(this.intervalMs, () => this.beat());
  }
}
