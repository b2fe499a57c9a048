import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BusHandler, BusHealth, FanoutBus } from '../src/fanout/fanout-bus.ts';

/** Two nodes on one bus, as an adapter's test builds them. */
export interface BusPair {
  a: FanoutBus;
  b: FanoutBus;
  /** Cuts node `a` off the bus (a partition) until `reattach`; `a` must report the loss. */
  detach(): Promise<void>;
  reattach(): Promise<void>;
  /** Closes both buses and everything the fixture started (servers, proxies). Idempotent. */
  close(): Promise<void>;
}

/** Records what a handler received; `until` resolves once a condition on the record holds. */
export function collector() {
  const received: Array<{ message: string; subject: string }> = [];
  const waiters: Array<{ done: () => boolean; resolve: () => void }> = [];
  const handler: BusHandler = (message, subject) => {
    received.push({ message, subject });
    for (const waiter of waiters.splice(0)) {
      if (waiter.done()) waiter.resolve();
      else waiters.push(waiter);
    }
  };
  const until = (done: () => boolean): Promise<void> =>
    done() ? Promise.resolve() : new Promise((resolve) => waiters.push({ done, resolve }));
  return {
    handler,
    received,
    messages: () => received.map((entry) => entry.message),
    untilCount: (count: number) => until(() => received.length >= count),
    untilMessage: (message: string) => until(() => received.some((entry) => entry.message === message)),
  };
}

/** The next status report of `bus` that satisfies `accept`. */
export function nextStatus(bus: FanoutBus, accept: (health: BusHealth) => boolean): Promise<BusHealth> {
  return new Promise((resolve) => {
    const stop = bus.onStatusChange((health) => {
      if (!accept(health)) return;
      stop();
      resolve(health);
    });
  });
}

/** Live handles by kind (sockets, servers, timers), from `process.getActiveResourcesInfo()`. */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** Kinds whose count grew between two `activeResources()` snapshots. */
export function grownResources(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after]
    .filter(([kind, count]) => count > (before.get(kind) ?? 0))
    .map(([kind, count]) => `${kind}×${count}`);
}

/**
 * The shared contract of `FanoutBus` (see its comment in src/fanout/fanout-bus.ts), run against every
 * adapter: the in-process bus, and Redis on a real server.
 */
export function runFanoutBusContract(name: string, makeBusPair: () => Promise<BusPair>): void {
  describe(`FanoutBus contract: ${name}`, () => {
    let pair: BusPair;
    let subjectPrefix: string;
    let subjectCount = 0;
    const subject = (label: string) => `${subjectPrefix}${label}-${subjectCount++}`;

    beforeEach(async () => {
      pair = await makeBusPair();
      subjectPrefix = `contract-${Math.random().toString(36).slice(2, 8)}-`;
    });
    afterEach(async () => {
      await pair.close();
    });

    it("R3.1 delivers to every subscriber on every node, including the publisher's own node", async () => {
      const [s, other] = [subject('all'), subject('other')];
      const [a1, a2, b1, bOther] = [collector(), collector(), collector(), collector()];
      await pair.a.subscribe(s, a1.handler);
      await pair.a.subscribe(s, a2.handler);
      await pair.b.subscribe(s, b1.handler);
      await pair.b.subscribe(other, bOther.handler);

      await pair.a.publish(s, 'from-a');
      await pair.b.publish(s, 'from-b');
      await Promise.all([a1, a2, b1].map((c) => c.untilCount(2)));
      for (const c of [a1, a2, b1]) {
        expect(c.messages().sort()).toEqual(['from-a', 'from-b']);
        expect(c.received.every((entry) => entry.subject === s)).toBe(true);
      }
      await pair.a.publish(other, 'fence');
      await bOther.untilMessage('fence');
      expect(bOther.received).toEqual([{ message: 'fence', subject: other }]);
    });

    it('R3.1 preserves per-publisher order over 10,000 messages from each of two nodes', async () => {
      const s = subject('order');
      const count = 10_000;
      const [onA, onB] = [collector(), collector()];
      await pair.a.subscribe(s, onA.handler);
      await pair.b.subscribe(s, onB.handler);
      // Pipelined in chunks (as a busy node publishes), both nodes at once.
      const chunk = 1000;
      for (let start = 0; start < count; start += chunk) {
        const sends: Promise<void>[] = [];
        for (let i = start; i < start + chunk; i++)
          sends.push(pair.a.publish(s, `a:${i}`), pair.b.publish(s, `b:${i}`));
        await Promise.all(sends);
      }
      await Promise.all([onA.untilCount(2 * count), onB.untilCount(2 * count)]);
      const expected = Array.from({ length: count }, (_, i) => i);
      for (const c of [onA, onB]) {
        for (const node of ['a', 'b']) {
          const sequence = c
            .messages()
            .filter((message) => message.startsWith(`${node}:`))
            .map((message) => Number(message.slice(2)));
          expect(sequence).toEqual(expected);
        }
      }
    });

    it('R2.4 unsubscribe stops delivery to that handler only, and re-subscribing works', async () => {
      const s = subject('unsub');
      const [first, second, third] = [collector(), collector(), collector()];
      const stopFirst = await pair.b.subscribe(s, first.handler);
      const stopSecond = await pair.b.subscribe(s, second.handler);
      await stopFirst();
      await stopFirst();
      await pair.a.publish(s, 'x');
      await second.untilMessage('x');
      expect(first.messages()).toEqual([]);

      await stopSecond();
      await pair.b.subscribe(s, third.handler);
      await pair.a.publish(s, 'y');
      await third.untilMessage('y');
      expect(first.messages()).toEqual([]);
      expect(second.messages()).toEqual(['x']);
      expect(third.messages()).toEqual(['y']);
    });

    it('R3.1 a subscription is active as soon as subscribe resolves', async () => {
      const rounds = 50;
      const arrivals: Promise<void>[] = [];
      for (let i = 0; i < rounds; i++) {
        const s = subject('fresh');
        const [remote, own] = [collector(), collector()];
        await pair.b.subscribe(s, remote.handler);
        await pair.a.subscribe(s, own.handler);
        await pair.a.publish(s, `m${i}`);
        arrivals.push(remote.untilMessage(`m${i}`), own.untilMessage(`m${i}`));
      }
      await Promise.all(arrivals);
    });

    it('R16.1 health is ok while connected, and after close it reports not ok without throwing', async () => {
      expect(await pair.a.health()).toEqual({ ok: true });
      expect(await pair.b.health()).toEqual({ ok: true });
      await pair.close();
      const health = await pair.a.health();
      expect(health.ok).toBe(false);
      await expect(pair.a.publish(subject('closed'), 'late')).rejects.toThrow(/closed/i);
      await expect(pair.a.subscribe(subject('closed'), () => {})).rejects.toThrow(/closed/i);
    });

    it('R3.1 close releases every connection and timer (no leaked handles)', async () => {
      await pair.close();
      const before = activeResources();
      const fresh = await makeBusPair();
      const s = subject('leak');
      const seen = collector();
      fresh.a.onStatusChange(() => {});
      await fresh.b.subscribe(s, seen.handler);
      await fresh.a.publish(s, 'hello');
      await seen.untilMessage('hello');
      await fresh.close();
      await fresh.close();
      expect(grownResources(before, activeResources())).toEqual([]);
    });

    it('R11.2 reports loss and recovery of a detached node, re-subscribes, and delivers again', async () => {
      const s = subject('recover');
      const [onA, onB] = [collector(), collector()];
      await pair.a.subscribe(s, onA.handler);
      await pair.b.subscribe(s, onB.handler);
      const removedReports: BusHealth[] = [];
      pair.a.onStatusChange((health) => removedReports.push(health))();

      const down = nextStatus(pair.a, (health) => !health.ok);
      await pair.detach();
      expect((await down).ok).toBe(false);
      expect((await pair.a.health()).ok).toBe(false);
      // The bus is a hint: a publish while cut off settles (resolves or rejects), it never hangs.
      await Promise.allSettled([pair.a.publish(s, 'while-detached')]);

      const up = nextStatus(pair.a, (health) => health.ok);
      await pair.reattach();
      await up;
      expect(await pair.a.health()).toEqual({ ok: true });

      await pair.b.publish(s, 'after-from-b');
      await pair.a.publish(s, 'after-from-a');
      await Promise.all([onA.untilMessage('after-from-b'), onA.untilMessage('after-from-a')]);
      await Promise.all([onB.untilMessage('after-from-b'), onB.untilMessage('after-from-a')]);
      expect(removedReports).toEqual([]);
    });

    it('R11.2 a subscription made while detached becomes active on recovery', async () => {
      const s = subject('late');
      const onA = collector();
      const down = nextStatus(pair.a, (health) => !health.ok);
      await pair.detach();
      await down;
      const up = nextStatus(pair.a, (health) => health.ok);
      await pair.a.subscribe(s, onA.handler);
      await pair.reattach();
      await up;
      await pair.b.publish(s, 'z');
      await onA.untilMessage('z');
      expect(onA.messages()).toEqual(['z']);
    });
  });
}
