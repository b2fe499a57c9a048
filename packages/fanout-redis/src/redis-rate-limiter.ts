import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { RedisLink } from './redis-link.ts';

export interface RedisRateLimiterOptions {
  /** An existing connection to share (not closed by `close()`); give this or `url`. */
  redis?: Redis;
  /** Opens a dedicated connection (closed by `close()`): offline commands are refused, never queued. */
  url?: string;
  /** Budget per key and window. */
  points: number;
  /** Window length; whole seconds only (the Redis store counts in seconds). */
  durationMs: number;
  /** Namespace of the counters' Redis keys. Default `wedsync:rl`. */
  keyPrefix?: string;
  /**
   * While Redis is unreachable, each node enforces the same budget in its own memory (so the limit
   * degrades to per node, never to none). `false`: no fallback; the engine's limiter then fails open.
   * Default true.
   */
  insurance?: boolean;
  /** Bound on each Redis command of a dedicated connection. Default 1000 ms. */
  commandTimeoutMs?: number;
}

/**
 * The shape of the engine's `RateLimitOption` (`{ limiter }`), so it can be passed straight as
 * `createRealtimeServer({ rateLimit: await createRedisRateLimiter(...) })`.
 */
export interface RedisRateLimiter {
  readonly limiter: RateLimiterRedis;
  /** The connection the counters live on. */
  readonly redis: Redis;
  close(): Promise<void>;
}

/**
 * A per-key message budget shared by every node through Redis (R14.1: rate limit per user holds
 * across nodes), built on rate-limiter-flexible's atomic RateLimiterRedis.
 */
export async function createRedisRateLimiter(options: RedisRateLimiterOptions): Promise<RedisRateLimiter> {
  const { points, durationMs } = options;
  if (!Number.isInteger(points) || points < 1) throw new RangeError(`points must be a positive integer, got ${points}`);
  if (!Number.isInteger(durationMs) || durationMs < 1000 || durationMs % 1000 !== 0) {
    throw new RangeError(`durationMs must be a positive whole number of seconds in ms (e.g. 1000), got ${durationMs}`);
  }
  if ((options.redis === undefined) === (options.url === undefined)) {
    throw new TypeError('createRedisRateLimiter needs exactly one of `redis` or `url`');
  }
  let link: RedisLink | undefined;
  if (options.url !== undefined) {
    const commandTimeoutMs = options.commandTimeoutMs ?? 1000;
    link = new RedisLink('rate limiter', {
      url: options.url,
      connectionName: `wedsync-rate-limiter-${process.pid}`,
      commandTimeoutMs,
      connectTimeoutMs: 5000,
      pingIntervalMs: 5000,
      reconnectBaseDelayMs: 50,
      maxReconnectDelayMs: 2000,
      onReady: () => {},
      onLost: () => {},
    });
    await link.start();
  }
  const redis = link?.redis ?? options.redis!;
  const durationSeconds = durationMs / 1000;
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    points,
    duration: durationSeconds,
    keyPrefix: options.keyPrefix ?? 'wedsync:rl',
    // Not ready → the insurance limiter at once, instead of waiting on a dead connection.
    rejectIfRedisNotReady: true,
    ...(options.insurance === false
      ? {}
      : { insuranceLimiter: new RateLimiterMemory({ points, duration: durationSeconds }) }),
  });
  return {
    limiter,
    redis,
    close: async () => {
      await link?.close();
    },
  };
}
