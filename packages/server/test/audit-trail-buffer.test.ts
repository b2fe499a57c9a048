import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEvent, AuditStore } from '../src/audit/audit-sink.ts';
import { AuditTrail } from '../src/audit/audit-trail.ts';

const event = (index: number): AuditEvent => ({
  kind: 'join',
  atMs: index,
  actor: `u${index}`,
  node: 'n1',
  topic: `wedding:w${index % 2}`,
});

/** A store whose writes wait until released; records every batch it was given. */
class GatedStore implements AuditStore {
  readonly batches: AuditEvent[][] = [];
  failNext = 0;
  private gate: Promise<void> | undefined;
  private open: () => void = () => {};

  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  release(): void {
    this.gate = undefined;
    this.open();
  }

  async append(events: readonly AuditEvent[]): Promise<void> {
    await this.gate;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('database unavailable');
    }
    this.batches.push([...events]);
  }
}

const trails: AuditTrail[] = [];
afterEach(async () => {
  await Promise.all(trails.splice(0).map((trail) => trail.close()));
});

function trailOver(store: AuditStore, options: Partial<ConstructorParameters<typeof AuditTrail>[0]> = {}) {
  const trail = new AuditTrail({ store, flushIntervalMs: 3_600_000, onError: () => {}, ...options });
  trails.push(trail);
  return trail;
}

describe('R14.1 audit trail buffering (off the hot path)', () => {
  it('R14.1 writes in batches of maxBatch; a full batch starts a write without waiting for the timer', async () => {
    const store = new GatedStore();
    const trail = trailOver(store, { maxBatch: 3 });
    for (let index = 0; index < 7; index++) trail.record(event(index));
    await new Promise((resolve) => setImmediate(resolve));
    await trail.flush();
    expect(store.batches.map((batch) => batch.map((item) => item.atMs))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(trail.stats()).toMatchObject({ recorded: 7, written: 7, dropped: 0, buffered: 0 });
  });

  it('R14.1 resolves tenants at flush time through tenantOf; a throwing resolver gives null, not a lost event', async () => {
    const store = new GatedStore();
    const trail = trailOver(store, {
      tenantOf: ({ topic, actor }) => {
        if (actor === 'u1') throw new Error('boom');
        return topic ?? null;
      },
    });
    trail.record(event(0));
    trail.record(event(1));
    trail.record({ ...event(2), tenant: 'preset' });
    await trail.flush();
    expect(store.batches.flat().map((item) => item.tenant)).toEqual(['wedding:w0', null, 'preset']);
  });

  it('R14.1 a slow store never blocks record(): the buffer is bounded and drops are counted in a metric', async () => {
    const store = new GatedStore();
    store.hold();
    const registry = new Registry();
    const trail = trailOver(store, { maxBatch: 2, maxBuffered: 4 });
    trail.registerMetrics(registry);
    const writing = trail.flush();
    for (let index = 0; index < 10; index++) trail.record(event(index));
    expect(trail.stats()).toMatchObject({ recorded: 4, dropped: 6, buffered: 4 });
    expect(await registry.getSingleMetricAsString('realtime_audit_dropped_total')).toMatch(/ 6$/m);
    expect(await registry.getSingleMetricAsString('realtime_audit_buffered')).toMatch(/ 4$/m);
    store.release();
    await writing;
    await trail.flush();
    expect(store.batches.flat().map((item) => item.atMs)).toEqual([0, 1, 2, 3]);
    expect(await registry.getSingleMetricAsString('realtime_audit_written_total')).toMatch(/ 4$/m);
  });

  it('R14.1 a failed write keeps its events (while there is room) and the next flush writes them in order', async () => {
    const store = new GatedStore();
    store.failNext = 1;
    const trail = trailOver(store, { maxBatch: 10 });
    for (let index = 0; index < 3; index++) trail.record(event(index));
    await trail.flush();
    expect(trail.stats()).toMatchObject({ failedWrites: 1, written: 0, buffered: 3 });
    trail.record(event(3));
    await trail.flush();
    expect(store.batches.flat().map((item) => item.atMs)).toEqual([0, 1, 2, 3]);
  });

  it('R14.1 close() writes what is left; later events are dropped and counted', async () => {
    const store = new GatedStore();
    const trail = trailOver(store);
    trail.record(event(1));
    await trail.close();
    trail.record(event(2));
    expect(store.batches.flat().map((item) => item.atMs)).toEqual([1]);
    expect(trail.stats().dropped).toBe(1);
  });
});
