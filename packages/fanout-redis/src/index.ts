export { BusClosedError, BusUnavailableError } from './bus-errors.ts';
export { createRedisBus, RedisBus, type RedisBusOptions } from './redis-bus.ts';
export { createRedisRateLimiter, type RedisRateLimiter, type RedisRateLimiterOptions } from './redis-rate-limiter.ts';
