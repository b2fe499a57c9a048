import { Counter, Gauge, type Registry } from 'prom-client';
import type { AuditEvent, AuditSink, AuditStore, TenantResolver } from './audit-sink.ts';

export interface AuditTrailOptions {
  store: AuditStore;
  /** Decides each event's tenant at flush time (the application maps topic/scope → tenant). Default: none. */
  tenantOf?: TenantResolver;
  /** A non-empty buffer is written at least this often. Default 1 000. */
  flushIntervalMs?: number;
  /** Events per `store.append` call; reaching it also starts a flush at once. Default 500. */
  maxBatch?: number;
  /** Events held in memory at most; beyond it new events are dropped and counted (never blocking). Default 50 000. */
  maxBuffered?: number;
  onError?: (error: unknown, context: string) => void;
  /** See `AuditSink.appliedChangesFromLog`: the store imports applied changes from the change log. Default false. */
  appliedChangesFromLog?: boolean;
}

export interface AuditTrailStats {
  recorded: number;
  written: number;
  /** Dropped because the buffer was full (store too slow or down). */
  dropped: number;
  /** `store.append` calls that failed (their events were put back while there was room). */
  failedWrites: number;
  buffered: number;
}

/**
 * R14.1 audit trail off the hot path: `record` only pushes to a bounded buffer; a timer (every
 * `flushIntervalMs`) or a full batch (`maxBatch`) writes the buffer to the store in batches, one batch
 * at a time. When the store fails, the batch goes back to the front of the buffer as far as room allows
 * and is retried at the next flush; when the buffer is full, new events are dropped and counted
 * (`realtime_audit_dropped_total`) rather than slowing anyone down.
 */
export class AuditTrail implements AuditSink {
  readonly appliedChangesFromLog: boolean;
  private buffer: AuditEvent[] = [];
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxBuffered: number;
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;
  private kickScheduled = false;
  private closed = false;
  private readonly counts = { recorded: 0, written: 0, dropped: 0, failedWrites: 0 };

  constructor(private readonly options: AuditTrailOptions) {
    this.appliedChangesFromLog = options.appliedChangesFromLog ?? false;
    this.flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.maxBatch = Math.max(1, options.maxBatch ?? 500);
    this.maxBuffered = Math.max(this.maxBatch, options.maxBuffered ?? 50_000);
    this.timer = setInterval(() => void this.flush(), this.flushIntervalMs);
    this.timer.unref();
  }

  record(event: AuditEvent): void {
    if (this.closed || this.buffer.length >= this.maxBuffered) {
      this.counts.dropped++;
      return;
    }
    this.counts.recorded++;
    this.buffer.push(event);
    if (this.buffer.length >= this.maxBatch && !this.flushing && !this.kickScheduled) {
      this.kickScheduled = true;
      setImmediate(() => {
        this.kickScheduled = false;
        void this.flush();
      });
    }
  }

  stats(): AuditTrailStats {
    return { ...this.counts, buffered: this.buffer.length };
  }

  /** Writes everything buffered now; resolves when written (or put back after a store failure). */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => (this.buffer.length > 0 ? this.flush() : undefined));
    if (this.buffer.length === 0) return Promise.resolve();
    this.flushing = this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.maxBatch);
      for (const event of batch) if (event.tenant === undefined) event.tenant = this.tenantOf(event);
      try {
        await this.options.store.append(batch);
        this.counts.written += batch.length;
      } catch (error) {
        this.counts.failedWrites++;
        this.report(error, 'audit write');
        const room = Math.max(0, this.maxBuffered - this.buffer.length);
        this.counts.dropped += Math.max(0, batch.length - room);
        this.buffer = [...batch.slice(0, room), ...this.buffer];
        return;
      }
    }
  }

  private tenantOf(event: AuditEvent): string | null {
    if (!this.options.tenantOf) return null;
    try {
      return this.options.tenantOf({ topic: event.topic, scope: event.scope, actor: event.actor }) ?? null;
    } catch (error) {
      this.report(error, 'audit tenantOf');
      return null;
    }
  }

  private report(error: unknown, context: string): void {
    if (this.options.onError) this.options.onError(error, context);
    else console.error(`[audit] ${context}:`, error);
  }

  /** Counters on a prom-client registry (e.g. `realtime.metrics`); call once per registry. */
  registerMetrics(registry: Registry): void {
    const registers = [registry];
    const counts = this.counts;
    const trail = this;
    new Counter({
      name: 'realtime_audit_events_total',
      help: 'Audit events recorded (R14.1)',
      registers,
      collect() {
        this.reset();
        this.inc(counts.recorded);
      },
    });
    new Counter({
      name: 'realtime_audit_written_total',
      help: 'Audit events written to the store',
      registers,
      collect() {
        this.reset();
        this.inc(counts.written);
      },
    });
    new Counter({
      name: 'realtime_audit_dropped_total',
      help: 'Audit events dropped because the buffer was full',
      registers,
      collect() {
        this.reset();
        this.inc(counts.dropped);
      },
    });
    new Counter({
      name: 'realtime_audit_write_failures_total',
      help: 'Failed audit store writes',
      registers,
      collect() {
        this.reset();
        this.inc(counts.failedWrites);
      },
    });
    new Gauge({
      name: 'realtime_audit_buffered',
      help: 'Audit events waiting to be written',
      registers,
      collect() {
        this.set(trail.buffer.length);
      },
    });
  }

  /** Stops the timer and writes what is left (one attempt). Later `record` calls are dropped and counted. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
  }
}
