import type { TelemetryReport } from '@wedsync/protocol';

/** Latency samples kept per window (the report schema's maximum); later ones replace earlier ones in turn. */
export const MAX_LATENCY_SAMPLES = 200;

/**
 * The counters of one telemetry window (R16.1): connected time, round trips, frames, reconnects,
 * sync attempts/failures and conflicts. `close(nowMs)` turns it into a report and starts the next.
 */
export class TelemetryWindow {
  private startMs: number;
  private connectedMs = 0;
  private connectedSinceMs: number | null;
  private latencyMs: number[] = [];
  private latencyCount = 0;
  private messagesIn = 0;
  private messagesOut = 0;
  private reconnects = 0;
  private syncAttempts = 0;
  private syncFailures = 0;
  private conflicts = 0;

  constructor(nowMs: number, connected: boolean) {
    this.startMs = nowMs;
    this.connectedSinceMs = connected ? nowMs : null;
  }

  setConnected(connected: boolean, nowMs: number): void {
    if (connected && this.connectedSinceMs === null) this.connectedSinceMs = nowMs;
    if (!connected && this.connectedSinceMs !== null) {
      this.connectedMs += Math.max(0, nowMs - this.connectedSinceMs);
      this.connectedSinceMs = null;
    }
  }

  latency(sampleMs: number): void {
    if (!Number.isFinite(sampleMs) || sampleMs < 0) return;
    const value = Math.min(sampleMs, 600_000);
    if (this.latencyMs.length < MAX_LATENCY_SAMPLES) this.latencyMs.push(value);
    else this.latencyMs[this.latencyCount % MAX_LATENCY_SAMPLES] = value;
    this.latencyCount++;
  }

  message(direction: 'in' | 'out'): void {
    if (direction === 'in') this.messagesIn++;
    else this.messagesOut++;
  }

  reconnect(): void {
    this.reconnects++;
  }

  syncAnswered(): void {
    this.syncAttempts++;
  }

  syncFailed(answered: boolean): void {
    if (answered) this.syncAttempts++;
    this.syncFailures++;
  }

  conflict(count: number): void {
    this.conflicts += count;
  }

  /** The report of the window ending at `nowMs`; the counters restart from there. */
  close(nowMs: number, droppedReports: number): TelemetryReport {
    const end = Math.max(nowMs, this.startMs + 1);
    const connected = this.connectedSinceMs !== null;
    this.setConnected(false, end);
    const report: TelemetryReport = {
      windowStartMs: Math.floor(this.startMs),
      windowMs: Math.floor(end - this.startMs),
      connectedMs: Math.min(Math.floor(this.connectedMs), Math.floor(end - this.startMs)),
      latencyMs: this.latencyMs,
      messagesIn: this.messagesIn,
      messagesOut: this.messagesOut,
      reconnects: this.reconnects,
      syncAttempts: this.syncAttempts,
      syncFailures: this.syncFailures,
      conflicts: this.conflicts,
    };
    if (droppedReports > 0) report.droppedReports = droppedReports;
    this.startMs = end;
    this.connectedMs = 0;
    this.connectedSinceMs = connected ? end : null;
    this.latencyMs = [];
    this.latencyCount = 0;
    this.messagesIn = 0;
    this.messagesOut = 0;
    this.reconnects = 0;
    this.syncAttempts = 0;
    this.syncFailures = 0;
    this.conflicts = 0;
    return report;
  }
}
