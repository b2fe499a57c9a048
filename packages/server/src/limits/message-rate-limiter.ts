import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';

export type RateCheck = { ok: true } | { ok: false; retryAfterMs: number };

export type RateLimitOption = { points: number; durationMs: number } | { limiter: RateLimiterAbstract } | false;

export const DEFAULT_RATE_LIMIT = { points: 100, durationMs: 1_000 };

const OK: RateCheck = { ok: true };

/**
 * Per-user message budget (R14.1). In memory per node by default (`FixedWindowBudget`); an injected
 * rate-limiter-flexible limiter (e.g. RateLimiterRedis) shares the budget across nodes. A store
 * failure lets the message through (fail open) rather than stalling every user.
 */
export class MessageRateLimiter {
  private readonly limiter: RateLimiterAbstract | undefined;
  private readonly budget: FixedWindowBudget | undefined;

  constructor(option: RateLimitOption | undefined, nowMs: () => number = Date.now) {
    const resolved = option ?? DEFAULT_RATE_LIMIT;
    if (resolved === false) return;
    if ('limiter' in resolved) this.limiter = resolved.limiter;
    else this.budget = new FixedWindowBudget(resolved.points, resolved.durationMs, nowMs);
  }

  /** Drops ended windows of the in-memory budget (called periodically, so an idle node holds none). */
  sweep(): void {
    this.budget?.sweep();
  }

  /** Synchronous for the in-memory budget (no promise per message), a promise for an injected limiter. */
  consume(key: string, points = 1): RateCheck | Promise<RateCheck> {
    if (this.budget) return this.budget.consume(key, points);
    if (!this.limiter) return OK;
    return this.limiter.consume(key, points).then(
      () => OK,
      (error: unknown) =>
        error instanceof RateLimiterRes ? { ok: false, retryAfterMs: Math.max(1, Math.ceil(error.msBeforeNext)) } : OK,
    );
  }
}

/**
 * The default in-memory budget: `points` per fixed window of `durationMs` per key, the window starting
 * at the key's first point, as rate-limiter-flexible's RateLimiterMemory counts (points past the budget
 * still count; the answer carries the rest of the window) — without its timer per key, which cost a
 * Timeout per active user and ~2 % of the connect storm (issue 9). Ended windows are dropped by a
 * sweep at most once per `durationMs`, run by `consume` itself (no timer), and by `sweep` from the
 * server's periodic housekeeping (so windows of users who went quiet do not stay).
 */
export class FixedWindowBudget {
  private readonly windows = new Map<string, { used: number; endsAtMs: number }>();
  private nextSweepMs = 0;

  constructor(
    private readonly points: number,
    private readonly durationMs: number,
    private readonly nowMs: () => number,
  ) {}

  /** Open windows (for leak checks). */
  get size(): number {
    return this.windows.size;
  }

  consume(key: string, points: number): RateCheck {
    const nowMs = this.nowMs();
    if (nowMs >= this.nextSweepMs) this.sweep(nowMs);
    let window = this.windows.get(key);
    if (window === undefined || window.endsAtMs <= nowMs) {
      window = { used: 0, endsAtMs: nowMs + this.durationMs };
      this.windows.set(key, window);
    }
    window.used += points;
    return window.used > this.points ? { ok: false, retryAfterMs: Math.max(1, window.endsAtMs - nowMs) } : OK;
  }

  /** Drops ended windows (also run by `consume`, at most once per `durationMs`). */
  sweep(nowMs = this.nowMs()): void {
    this.nextSweepMs = nowMs + this.durationMs;
    for (const [key, window] of this.windows) if (window.endsAtMs <= nowMs) this.windows.delete(key);
  }
}
