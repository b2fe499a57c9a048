import type { BusHealth } from '@wedsync/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collector, nextStatus } from '../../server/test/fanout-bus-contract.ts';
import { BusUnavailableError } from '../src/index.ts';
import { RedisAdmin } from './redis-admin.ts';
import { makeRedisPair } from './redis-fixture.ts';

describe('Redis bus: connection killed by the server (CLIENT KILL)', () => {
  let pair: Awaited<ReturnType<typeof makeRedisPair>>;
  let admin: RedisAdmin;
  let reports: BusHealth[];

  beforeEach(async () => {
    pair = await makeRedisPair();
    admin = new RedisAdmin();
    reports = [];
    pair.a.onStatusChange((health) => reports.push(health));
  });
  afterEach(async () => {
    await pair.close();
    await admin.close();
  });

  it('R11.2 a killed subscriber connection is reported down then up, every subject is re-subscribed, and later messages arrive', async () => {
    const subjects = ['one', 'two', 'three'];
    const received = subjects.map(() => collector());
    for (const [i, subject] of subjects.entries()) await pair.a.subscribe(subject, received[i]!.handler);
    const subscriberName = `${pair.connectionNameA}-sub`;
    const [oldId] = await admin.clientIds(subscriberName);

    const down = nextStatus(pair.a, (health) => !health.ok);
    const up = nextStatus(pair.a, (health) => health.ok);
    await admin.kill(subscriberName);
    expect((await down).detail).toMatch(/subscriber connection lost/);
    await up;

    const newIds = await admin.clientIds(subscriberName);
    expect(newIds).toHaveLength(1);
    expect(newIds[0]).not.toBe(oldId);
    const channels = subjects.map((subject) => `${pair.keyPrefix}${subject}`);
    expect(await admin.subscriberCounts(channels)).toEqual([1, 1, 1]);
    for (const subject of subjects) await pair.b.publish(subject, `after-${subject}`);
    await Promise.all(subjects.map((subject, i) => received[i]!.untilMessage(`after-${subject}`)));
    expect(reports.map((health) => health.ok)).toEqual([false, true]);
  });

  it('R11.2 with its publisher connection killed, a publish is refused at once with BUS_UNAVAILABLE, and publishes after recovery arrive', async () => {
    const onB = collector();
    await pair.b.subscribe('news', onB.handler);
    let whileDown: Promise<unknown> | undefined;
    pair.a.onStatusChange((health) => {
      // Published from inside the 'down' report, so the connection is certainly still down.
      if (!health.ok)
        whileDown ??= pair.a.publish('news', 'while-down').then(
          () => 'delivered',
          (error) => error,
        );
    });

    const up = nextStatus(pair.a, (health) => health.ok);
    await admin.kill(`${pair.connectionNameA}-pub`);
    await up;
    const refusal = await whileDown;
    expect(refusal).toBeInstanceOf(BusUnavailableError);
    expect(String(refusal)).toMatch(/BUS_UNAVAILABLE: cannot publish on news/);

    await pair.a.publish('news', 'after');
    await onB.untilMessage('after');
    expect(onB.messages()).toEqual(['after']);
    expect(reports.map((health) => health.ok)).toEqual([false, true]);
  });

  it('R11.2 both connections killed at once give a single down and a single up report', async () => {
    const onA = collector();
    await pair.a.subscribe('both', onA.handler);
    const up = nextStatus(pair.a, (health) => health.ok);
    await admin.kill(`${pair.connectionNameA}-pub`, `${pair.connectionNameA}-sub`);
    await up;
    expect(reports.map((health) => health.ok)).toEqual([false, true]);
    await pair.a.publish('both', 'own-node');
    await onA.untilMessage('own-node');
    expect(await pair.a.health()).toEqual({ ok: true });
  });
});
