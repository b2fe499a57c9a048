/**
 * Which failures the outbox retries by itself (R15.1) and how long it waits. Everything else is
 * reported to the app and the mutation is dropped (R11.2 "failures reported").
 */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'RATE_LIMITED',
  'STORAGE_UNAVAILABLE',
  'SERVER_ERROR',
  'SERVER_SHUTTING_DOWN',
  'TIMEOUT',
  'CONNECTION_LOST',
  'PUSH_BUFFER_FULL',
  'CHANNEL_CLOSED',
]);

export interface RetryDelays {
  /** First wait after a failure; default 500 ms. */
  initialMs: number;
  /** Cap of the doubling; default 30 000 ms. */
  maxMs: number;
}

export const DEFAULT_RETRY_DELAYS: RetryDelays = { initialMs: 500, maxMs: 30_000 };

/** Wait before retry number `attempt` (1-based): doubling from `initialMs`, capped at `maxMs`. */
export function retryDelayMs(attempt: number, delays: RetryDelays): number {
  return Math.min(delays.maxMs, delays.initialMs * 2 ** Math.max(0, attempt - 1));
}

/** The server's hint (`retryAfterMs` in the error details), when it gave a usable one. */
export function retryAfterHintMs(details: Record<string, unknown> | undefined): number | undefined {
  const hint = details?.retryAfterMs;
  return typeof hint === 'number' && Number.isFinite(hint) && hint >= 0 ? hint : undefined;
}

/** The failure of a whole `sync_mutate` push: a timeout, a lost connection or an error reply. */
export interface PushFailure {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Reads `{ code, message, details }` from whatever the channel rejected with. */
export function toPushFailure(error: unknown): PushFailure {
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') {
    const { code, message, details } = error as { code: string; message?: unknown; details?: unknown };
    return {
      code,
      message: typeof message === 'string' ? message : code,
      details: typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : undefined,
    };
  }
  return { code: 'UNKNOWN', message: String(error) };
}
