import { once } from 'node:events';
import { afterEach, expect, it } from 'vitest';
import { MessageRateLimiter } from '../../server/src/limits/message-rate-limiter.ts';
import { activeResources, grownResources } from '../../server/test/fanout-bus-contract.ts';
import { createRedisRateLimiter, type RedisRateLimiter } from '../src/index.ts';
import { RedisAdmin } from './redis-admin.ts';
import { redisUrl, uniquePrefix } from './redis-fixture.ts';
import { TcpProxy } from './tcp-proxy.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function limiterNode(options: { url?: string; keyPrefix: string; points: number; durationMs?: number }) {
  const created = await createRedisRateLimiter({ url: redisUrl(), durationMs: 60_000, ...options });
  cleanups.push(() => created.close());
  return created;
}

it('R14.1 a per-user budget holds across nodes: two nodes share one count in Redis', async () => {
  const keyPrefix = uniquePrefix('rl').slice(0, -1);
  const nodes = [await limiterNode({ keyPrefix, points: 5 }), await limiterNode({ keyPrefix, points: 5 })];
  // The engine's own limiter, given the Redis one as its `{ limiter }` option.
  const [one, two] = nodes.map((node: RedisRateLimiter) => new MessageRateLimiter(node));
  const results = [];
  for (let i = 0; i < 3; i++) results.push(await one!.consume('u:alice'));
  for (let i = 0; i < 2; i++) results.push(await two!.consume('u:alice'));
  expect(results.every((result) => result.ok)).toBe(true);

  const refusedOnOne = await one!.consume('u:alice');
  const refusedOnTwo = await two!.consume('u:alice');
  expect(refusedOnOne).toMatchObject({ ok: false });
  expect(refusedOnTwo).toMatchObject({ ok: false });
  if (!refusedOnTwo.ok) expect(refusedOnTwo.retryAfterMs).toBeGreaterThan(0);
  expect(await two!.consume('u:bob')).toEqual({ ok: true });

  const admin = new RedisAdmin();
  cleanups.push(() => admin.close());
  const ttlMs = Number(await admin.redis.pttl(`${keyPrefix}:u:alice`));
  expect(ttlMs).toBeGreaterThan(0);
  expect(ttlMs).toBeLessThanOrEqual(60_000);
  await admin.redis.del(`${keyPrefix}:u:alice`, `${keyPrefix}:u:bob`);
});

it('R14.1 while Redis is unreachable each node still enforces the budget in memory, and Redis is used again after', async () => {
  const url = redisUrl();
  const proxy = await TcpProxy.start(url);
  cleanups.push(() => proxy.close());
  const keyPrefix = uniquePrefix('rl-down').slice(0, -1);
  const node = await limiterNode({ url: proxy.urlFor(url), keyPrefix, points: 3 });
  const engine = new MessageRateLimiter(node);
  expect(await engine.consume('u:carol')).toEqual({ ok: true });

  const lost = once(node.redis, 'end');
  proxy.cut();
  await lost;
  const whileDown = [];
  for (let i = 0; i < 4; i++) whileDown.push((await engine.consume('u:dave')).ok);
  expect(whileDown).toEqual([true, true, true, false]);

  const back = once(node.redis, 'ready');
  proxy.restore();
  await back;
  const afterwards = [];
  for (let i = 0; i < 3; i++) afterwards.push((await engine.consume('u:carol')).ok);
  // Redis still holds carol's first point: 1 + 2 allowed, the third is over the budget of 3.
  expect(afterwards).toEqual([true, true, false]);
  const admin = new RedisAdmin();
  cleanups.push(() => admin.close());
  await admin.redis.del(`${keyPrefix}:u:carol`);
});

it('R14.1 refuses a window that is not whole seconds, and close releases the connection', async () => {
  await expect(createRedisRateLimiter({ url: redisUrl(), points: 5, durationMs: 500 })).rejects.toThrow(
    /whole number of seconds/,
  );
  await expect(createRedisRateLimiter({ points: 5, durationMs: 1000 })).rejects.toThrow(/exactly one of/);
  const before = activeResources();
  const limiter = await createRedisRateLimiter({
    url: redisUrl(),
    points: 5,
    durationMs: 1000,
    keyPrefix: uniquePrefix('rl-close'),
  });
  await limiter.limiter.consume('k');
  await limiter.limiter.delete('k');
  await limiter.close();
  expect(grownResources(before, activeResources())).toEqual([]);
});
