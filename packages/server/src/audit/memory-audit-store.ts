import type { AuditEvent, AuditStore } from './audit-sink.ts';

/**
 * An `AuditStore` in memory (single node, lost on restart): for development, tests and benchmarks.
 * Keeps the newest `maxEvents` (default 100 000). Production uses `SqlAuditStore`.
 */
export class MemoryAuditStore implements AuditStore {
  private events: AuditEvent[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(private readonly maxEvents = 100_000) {}

  async append(events: readonly AuditEvent[]): Promise<void> {
    this.events.push(...events);
    if (this.events.length > this.maxEvents) this.events = this.events.slice(-this.maxEvents);
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Every kept event, oldest first, optionally filtered. */
  all(filter?: (event: AuditEvent) => boolean): AuditEvent[] {
    return filter ? this.events.filter(filter) : [...this.events];
  }

  /** Resolves once an appended event satisfies `predicate` (checked on every append), or rejects after `timeoutMs`. */
  waitFor(predicate: (event: AuditEvent) => boolean, timeoutMs = 5_000): Promise<AuditEvent> {
    const found = this.events.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const check = () => {
        const event = this.events.find(predicate);
        if (!event) return;
        done();
        resolve(event);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error('no matching audit event was written in time'));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }
}
