import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export type RateCheck = { ok: true } | { ok: false; retryAfterMs: number };

export type RateLimitOption = { points: number; durationMs: number } | { limiter: RateLimiterAbstract } | false;

export const DEFAULT_RATE_LIMIT = { points: 100, durationMs: 1_000 };

/**
 * Per-user message budget (R14.1) over rate-limiter-flexible. In memory per node by default; an
 * injected limiter (e.g. RateLimiterRedis) shares the budget across nodes. A store failure lets the
 * message through (fail open) rather than stalling every user.
 */
export class MessageRateLimiter {
  private readonly limiter: RateLimiterAbstract | undefined;

  constructor(option: RateLimitOption | undefined) {
    const resolved = option ?? DEFAULT_RATE_LIMIT;
    if (resolved === false) this.limiter = undefined;
    else if ('limiter' in resolved) this.limiter = resolved.limiter;
    else this.limiter = new RateLimiterMemory({ points: resolved.points, duration: resolved.durationMs / 1000 });
  }

  async consume(key: string, points = 1): Promise<RateCheck> {
    if (!this.limiter) return { ok: true };
    try {
      await this.limiter.consume(key, points);
      return { ok: true };
    } catch (error) {
      if (error instanceof RateLimiterRes)
        return { ok: false, retryAfterMs: Math.max(1, Math.ceil(error.msBeforeNext)) };
      return { ok: true };
    }
  }
}
