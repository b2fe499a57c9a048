import { randomUUID } from 'node:crypto';
import type { BusHandler, BusHealth, FanoutBus } from './fanout-bus.ts';

/**
 * The embedded default bus: every node created on the same `InProcessBusHub` (one process, e.g. the
 * several-nodes-in-one-process tests) sees every message. Delivery is asynchronous (a microtask), as
 * it would be over a network, so no code comes to rely on re-entrant delivery.
 */
export class InProcessBusHub {
  readonly subscribers = new Map<string, Set<BusHandler>>();

  /** Connectivity switch for fault tests: a detached node neither sends nor receives. */
  readonly detached = new Set<string>();

  createBus(nodeId: string = randomUUID()): InProcessBus {
    return new InProcessBus(this, nodeId);
  }
}

export class InProcessBus implements FanoutBus {
  private readonly own = new Map<string, Set<BusHandler>>();
  private readonly statusListeners = new Set<(health: BusHealth) => void>();
  private closed = false;

  constructor(
    private readonly hub: InProcessBusHub,
    readonly nodeId: string,
  ) {}

  async publish(subject: string, message: string): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    if (this.hub.detached.has(this.nodeId)) return;
    const handlers = this.hub.subscribers.get(subject);
    if (!handlers) return;
    for (const handler of [...handlers]) {
      queueMicrotask(() => handler(message, subject));
    }
  }

  async subscribe(subject: string, handler: BusHandler): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('bus is closed');
    const guarded: BusHandler = (message, from) => {
      if (!this.hub.detached.has(this.nodeId)) handler(message, from);
    };
    for (const map of [this.hub.subscribers, this.own]) {
      const set = map.get(subject) ?? new Set<BusHandler>();
      map.set(subject, set);
      set.add(guarded);
    }
    return async () => this.remove(subject, guarded);
  }

  private remove(subject: string, handler: BusHandler): void {
    for (const map of [this.hub.subscribers, this.own]) {
      const set = map.get(subject);
      set?.delete(handler);
      if (set?.size === 0) map.delete(subject);
    }
  }

  /** Fault injection: cut this node off the bus, or reconnect it. */
  setDetached(detached: boolean): void {
    if (detached) this.hub.detached.add(this.nodeId);
    else this.hub.detached.delete(this.nodeId);
    const health = { ok: !detached, detail: detached ? 'detached' : undefined };
    for (const listener of this.statusListeners) listener(health);
  }

  onStatusChange(listener: (health: BusHealth) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async health(): Promise<BusHealth> {
    if (this.closed) return { ok: false, detail: 'closed' };
    return this.hub.detached.has(this.nodeId) ? { ok: false, detail: 'detached' } : { ok: true };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [subject, handlers] of this.own) for (const handler of [...handlers]) this.remove(subject, handler);
    this.statusListeners.clear();
  }
}
