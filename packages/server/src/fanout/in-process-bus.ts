import { randomUUID } from 'node:crypto';
import type { BusHandler, BusHealth, FanoutBus } from './fanout-bus.ts';

/** One subscription: the subscribing node's bus and its handler. */
interface Subscription {
  bus: InProcessBus;
  subject: string;
  handler: BusHandler;
}

/**
 * The embedded default bus: every node created on the same `InProcessBusHub` (one process, e.g. the
 * several-nodes-in-one-process tests) sees every message. Delivery is asynchronous (a microtask), as
 * it would be over a network, so no code comes to rely on re-entrant delivery.
 */
export class InProcessBusHub {
  /**
   * Subscriptions per subject: the one subscription, or a Set once there are several (most subjects
   * have one — a per-user topic on one node — and a Set costs ~170 B; issue 9 idle footprint).
   */
  readonly subscribers = new Map<string, Subscription | Set<Subscription>>();

  /** Connectivity switch for fault tests: a detached node neither sends nor receives. */
  readonly detached = new Set<string>();

  createBus(nodeId: string = randomUUID()): InProcessBus {
    return new InProcessBus(this, nodeId);
  }
}

export class InProcessBus implements FanoutBus {
  /** This bus's subscriptions (to drop them on close). */
  private readonly own = new Set<Subscription>();
  private readonly statusListeners = new Set<(health: BusHealth) => void>();
  private closed = false;

  constructor(
    private readonly hub: InProcessBusHub,
    readonly nodeId: string,
  ) {}

  async publish(subject: string, message: string): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    if (this.hub.detached.has(this.nodeId)) return;
    const held = this.hub.subscribers.get(subject);
    if (held === undefined) return;
    if (held instanceof Set) for (const subscription of [...held]) deliver(this.hub, subscription, message);
    else deliver(this.hub, held, message);
  }

  async subscribe(subject: string, handler: BusHandler): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('bus is closed');
    const subscription: Subscription = { bus: this, subject, handler };
    const held = this.hub.subscribers.get(subject);
    if (held === undefined) this.hub.subscribers.set(subject, subscription);
    else if (held instanceof Set) held.add(subscription);
    else this.hub.subscribers.set(subject, new Set([held, subscription]));
    this.own.add(subscription);
    return async () => this.remove(subscription);
  }

  private remove(subscription: Subscription): void {
    if (!this.own.delete(subscription)) return;
    const { subject } = subscription;
    const held = this.hub.subscribers.get(subject);
    if (held === subscription) this.hub.subscribers.delete(subject);
    else if (held instanceof Set) {
      held.delete(subscription);
      if (held.size === 1) this.hub.subscribers.set(subject, held.values().next().value!);
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
    for (const subscription of [...this.own]) this.remove(subscription);
    this.statusListeners.clear();
  }
}

/** Asynchronous delivery (a microtask); a detached receiver hears nothing. */
function deliver(hub: InProcessBusHub, subscription: Subscription, message: string): void {
  queueMicrotask(() => {
    if (!hub.detached.has(subscription.bus.nodeId)) subscription.handler(message, subscription.subject);
  });
}
