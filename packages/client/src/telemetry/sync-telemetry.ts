import type { TelemetryBatch, TelemetryReport } from '@wedsync/protocol';
import type { ConnectionStatus } from '../connection/connection-status.ts';
import { systemTimers, TimerSlot, type Timers } from '../connection/timers.ts';
import { BATCH_INTERVAL_MS } from '../debounce/debounce-policy.ts';
import type { VisibilityLike } from '../device/device-sync.ts';
import type { OutboxEvents } from '../outbox/outbox-types.ts';
import { TelemetryWindow } from './telemetry-window.ts';

/** What telemetry reads of a `RealtimeClient` (it fits): its status and its byte meter (one count per frame). */
export interface TelemetryClient {
  readonly status: ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  readonly usageMeter?: {
    usage(): { sessionSent: number; sessionReceived: number };
    onChange(listener: (usage: { sessionSent: number; sessionReceived: number }) => void): () => void;
  };
}

/** What telemetry reads of an `Outbox` (it fits): answered, rejected and conflicting mutations, retries. */
export interface TelemetryOutbox {
  on<E extends 'acked' | 'rejected' | 'conflict' | 'progress'>(
    event: E,
    listener: (payload: OutboxEvents[E]) => void,
  ): () => void;
}

/** Delivers one batch; a rejection keeps the reports for the next attempt unless `retry === false`. */
export type TelemetrySend = (batch: TelemetryBatch) => Promise<void>;

export interface SyncTelemetryOptions {
  client: TelemetryClient;
  /** The record store's outbox (`store.outbox`), for sync failures and conflicts. */
  outbox?: TelemetryOutbox;
  send: TelemetrySend;
  /** R12.1: reports are sent every 10 000 ms. */
  intervalMs?: number;
  /**
   * Reports kept while they cannot be sent (offline); beyond it the oldest are dropped, not queued, and
   * the count travels as `droppedReports` (R12.1). Default 6 (one minute at the default interval).
   */
  maxPendingReports?: number;
  timers?: Timers;
  /** `document`: the current window is sent at once when the page is hidden. Default: none. */
  visibility?: VisibilityLike | null;
}

/**
 * Client-side sync analytics (R12.1, R16.1): measures connection uptime, round-trip latency (heartbeat
 * answers), frames per second (one per WebSocket frame, one per long-poll body), reconnects, sync
 * failures and conflicts in windows of `intervalMs`, and sends the closed windows in one batch —
 * every interval, and at once when the page is hidden. While sending fails (offline) at most
 * `maxPendingReports` wait; older ones are dropped and counted. One timer, no polling otherwise;
 * `close()` leaves no timer or listener.
 */
export class SyncTelemetry {
  private readonly timers: Timers;
  private readonly intervalMs: number;
  private readonly maxPending: number;
  private readonly window: TelemetryWindow;
  private readonly timer: TimerSlot;
  private readonly cleanups: Array<() => void> = [];
  private pending: TelemetryReport[] = [];
  private dropped = 0;
  private droppedTotal = 0;
  private sending: Promise<void> | undefined;
  private wasConnected: boolean;
  private hasConnected: boolean;
  private lastLatencyMs: number | null;
  private closed = false;

  constructor(private readonly options: SyncTelemetryOptions) {
    this.timers = options.timers ?? systemTimers;
    this.intervalMs = options.intervalMs ?? BATCH_INTERVAL_MS.analytics;
    if (!(this.intervalMs > 0)) throw new Error('SyncTelemetry intervalMs must be positive');
    this.maxPending = Math.max(1, options.maxPendingReports ?? 6);
    const status = options.client.status;
    this.wasConnected = status.state === 'connected';
    this.hasConnected = this.wasConnected;
    this.lastLatencyMs = status.latencyMs;
    this.window = new TelemetryWindow(this.timers.now(), this.wasConnected);
    this.timer = new TimerSlot(this.timers);
    this.listen();
    this.timer.start(this.intervalMs, () => this.tick());
  }

  /** Reports dropped so far because they could not be sent in time (offline for long). */
  get droppedReports(): number {
    return this.droppedTotal;
  }

  /** Reports waiting to be sent. */
  get pendingReports(): number {
    return this.pending.length;
  }

  /** Ends the current window now and sends everything pending; resolves when that attempt is over. */
  flush(): Promise<void> {
    if (this.closed) return this.sending ?? Promise.resolve();
    this.closeWindow();
    this.timer.start(this.intervalMs, () => this.tick());
    return this.sendPending();
  }

  /** Stops measuring; the last window is sent (default) or dropped. No timer or listener remains. */
  async close(options: { flush?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    if (options.flush ?? true) await this.flush();
    this.closed = true;
    this.timer.stop();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    await this.sending;
  }

  private listen(): void {
    const { client, outbox, visibility } = this.options;
    this.cleanups.push(client.onStatus((status) => this.onStatus(status)));
    const meter = client.usageMeter;
    if (meter) {
      const start = meter.usage();
      let last = { sent: start.sessionSent, received: start.sessionReceived };
      this.cleanups.push(
        meter.onChange((usage) => {
          if (usage.sessionSent > last.sent) this.window.message('out');
          if (usage.sessionReceived > last.received) this.window.message('in');
          last = { sent: usage.sessionSent, received: usage.sessionReceived };
        }),
      );
    }
    if (outbox) {
      let retrying = false;
      this.cleanups.push(
        outbox.on('acked', () => this.window.syncAnswered()),
        outbox.on('rejected', () => this.window.syncFailed(true)),
        outbox.on('conflict', (event) => {
          if (!event.applied) this.window.syncAnswered();
          this.window.conflict(event.conflicts.length);
        }),
        outbox.on('progress', (progress) => {
          const waiting = progress.retryAtMs !== null;
          if (waiting && !retrying) this.window.syncFailed(false);
          retrying = waiting;
        }),
      );
    }
    if (visibility) {
      const onVisibility = () => {
        if (visibility.visibilityState === 'hidden') void this.flush();
      };
      visibility.addEventListener('visibilitychange', onVisibility);
      this.cleanups.push(() => visibility.removeEventListener('visibilitychange', onVisibility));
    }
  }

  private onStatus(status: ConnectionStatus): void {
    const now = this.timers.now();
    const connected = status.state === 'connected';
    if (connected && !this.wasConnected) {
      if (this.hasConnected) this.window.reconnect();
      this.hasConnected = true;
    }
    this.wasConnected = connected;
    this.window.setConnected(connected, now);
    if (status.latencyMs !== null && status.latencyMs !== this.lastLatencyMs) this.window.latency(status.latencyMs);
    this.lastLatencyMs = status.latencyMs;
  }

  private tick(): void {
    if (this.closed) return;
    this.closeWindow();
    this.timer.start(this.intervalMs, () => this.tick());
    void this.sendPending();
  }

  private closeWindow(): void {
    this.pending.push(this.window.close(this.timers.now(), this.dropped));
    this.dropped = 0;
    this.trim();
  }

  private trim(): void {
    const excess = this.pending.length - this.maxPending;
    if (excess <= 0) return;
    this.pending.splice(0, excess);
    this.dropped += excess;
    this.droppedTotal += excess;
  }

  private sendPending(): Promise<void> {
    if (this.sending) return this.sending;
    if (this.pending.length === 0) return Promise.resolve();
    const reports = this.pending.splice(0, 30);
    this.sending = this.options
      .send({ reports })
      .catch((error: unknown) => {
        if ((error as { retry?: unknown } | null)?.retry === false) {
          this.dropped += reports.length;
          this.droppedTotal += reports.length;
          return;
        }
        this.pending.unshift(...reports);
        this.trim();
      })
      .finally(() => {
        this.sending = undefined;
      });
    return this.sending;
  }
}
