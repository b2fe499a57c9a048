import type { BusHealth } from '@wedsync/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collector, nextStatus } from '../../server/test/fanout-bus-contract.ts';
import { BusUnavailableError } from '../src/index.ts';
import { fastTimings, makeRedisPair } from './redis-fixture.ts';

/** Node `a` sits behind a TCP proxy; the proxy partitions it from Redis while node `b` stays connected. */
describe('Redis bus: one node partitioned from Redis', () => {
  let pair: Awaited<ReturnType<typeof makeRedisPair>>;
  let reportsA: BusHealth[];
  let reportsB: BusHealth[];

  beforeEach(async () => {
    pair = await makeRedisPair({ ...fastTimings, commandTimeoutMs: 300, pingIntervalMs: 50 });
    reportsA = [];
    reportsB = [];
    pair.a.onStatusChange((health) => reportsA.push(health));
    pair.b.onStatusChange((health) => reportsB.push(health));
  });
  afterEach(async () => {
    await pair.close();
  });

  it('R11.2 a silent partition is found by the liveness probe; publishing into it rejects, never hangs; after healing delivery resumes', async () => {
    const [onA, onB] = [collector(), collector()];
    await pair.a.subscribe('orders', onA.handler);
    await pair.b.subscribe('orders', onB.handler);

    const down = nextStatus(pair.a, (health) => !health.ok);
    pair.proxy.pause();
    // Sent into a connection that looks alive but answers nothing: bounded by commandTimeoutMs.
    const intoTheVoid = pair.a.publish('orders', 'into-the-void').then(
      () => 'delivered',
      (error) => error,
    );
    expect((await down).ok).toBe(false);
    expect(await intoTheVoid).toBeInstanceOf(BusUnavailableError);
    expect((await pair.a.health()).ok).toBe(false);
    expect(await pair.b.health()).toEqual({ ok: true });

    const up = nextStatus(pair.a, (health) => health.ok);
    pair.proxy.restore();
    await up;
    await pair.b.publish('orders', 'healed-from-b');
    await pair.a.publish('orders', 'healed-from-a');
    await Promise.all([onA.untilMessage('healed-from-b'), onA.untilMessage('healed-from-a')]);
    await Promise.all([onB.untilMessage('healed-from-b'), onB.untilMessage('healed-from-a')]);
    expect(reportsA.map((health) => health.ok)).toEqual([false, true]);
    expect(reportsB).toEqual([]);
  });

  it('R11.2 a hard partition outlasting several reconnect attempts ends in recovery and re-subscription', async () => {
    const onA = collector();
    await pair.a.subscribe('timeline', onA.handler);
    const down = nextStatus(pair.a, (health) => !health.ok);
    const refusals = pair.proxy.untilRefused(6);
    pair.proxy.cut();
    await down;
    await refusals;
    // Meanwhile node b publishes: a misses it (the bus is a hint; a re-reads the log on recovery).
    await pair.b.publish('timeline', 'missed');
    expect(await pair.a.publish('timeline', 'refused').catch((error) => error)).toBeInstanceOf(BusUnavailableError);

    const up = nextStatus(pair.a, (health) => health.ok);
    pair.proxy.restore();
    expect(await up).toEqual({ ok: true });
    await pair.b.publish('timeline', 'after-recovery');
    await onA.untilMessage('after-recovery');
    expect(onA.messages()).toEqual(['after-recovery']);
    expect(reportsA.map((health) => health.ok)).toEqual([false, true]);
    expect(reportsB).toEqual([]);
  });
});
