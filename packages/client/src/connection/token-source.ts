import { TimerSlot, type Timers } from './timers.ts';

/** Returns a currently valid access token (JWT). Called on connect, before expiry and after auth refusals. */
export type TokenProvider = () => Promise<string>;

export interface TokenTimes {
  /** `iat` in epoch ms, when present. */
  issuedAtMs: number | null;
  /** `exp` in epoch ms. */
  expiresAtMs: number;
}

/**
 * Reads `iat`/`exp` from a JWT payload without verifying it (the server verifies; the client only needs
 * to know when to refresh). Returns null for anything that is not a JWT with a numeric `exp`.
 */
export function readTokenTimes(token: string): TokenTimes | null {
  const segment = token.split('.')[1];
  if (!segment) return null;
  try {
    const base64 = segment
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(segment.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as { exp?: unknown; iat?: unknown };
    if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return null;
    const issuedAtMs = typeof claims.iat === 'number' && Number.isFinite(claims.iat) ? claims.iat * 1000 : null;
    return { issuedAtMs, expiresAtMs: claims.exp * 1000 };
  } catch {
    return null;
  }
}

/** Refresh this long before `exp`, or at 80 % of the lifetime for tokens shorter than 5 minutes. */
export const REFRESH_BEFORE_EXPIRY_MS = 60_000;
const REFRESH_LIFETIME_SHARE = 0.2;
/** Never refresh more often than this, even for tokens that are already expired (no hot loop). */
export const MIN_REFRESH_DELAY_MS = 1_000;

/** When to fetch the successor of a token obtained at `obtainedAtMs`; null when it never expires. */
export function refreshAtMs(token: string, obtainedAtMs: number): number | null {
  const times = readTokenTimes(token);
  if (!times) return null;
  const startMs = times.issuedAtMs !== null && times.issuedAtMs <= obtainedAtMs ? times.issuedAtMs : obtainedAtMs;
  const lifetimeMs = Math.max(0, times.expiresAtMs - startMs);
  const marginMs = Math.min(REFRESH_BEFORE_EXPIRY_MS, lifetimeMs * REFRESH_LIFETIME_SHARE);
  return times.expiresAtMs - marginMs;
}

/**
 * Holds the access token: a fixed string, or a provider asked again before expiry (R14.1) and once
 * after an auth refusal (R15.1). Concurrent refreshes share one provider call.
 */
export class TokenSource {
  private token: string | null;
  private readonly provider: TokenProvider | null;
  private inFlight: Promise<string> | null = null;
  private readonly refreshTimer: TimerSlot;
  private scheduling = false;
  private readonly listeners = new Set<(token: string) => void>();
  private failedRefreshes = 0;

  constructor(
    token: string | TokenProvider,
    private readonly timers: Timers,
  ) {
    this.token = typeof token === 'string' ? token : null;
    this.provider = typeof token === 'function' ? token : null;
    this.refreshTimer = new TimerSlot(timers);
  }

  /** The last token obtained, or null before the first. */
  get value(): string | null {
    return this.token;
  }

  /** True when a provider can give a different token. */
  get canRefresh(): boolean {
    return this.provider !== null;
  }

  /** Called with every new token (after a refresh or `set`). */
  onChange(listener: (token: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The token to connect with: the cached one while it is fresh, else a new one from the provider. */
  async current(): Promise<string> {
    if (this.token !== null && (!this.provider || !this.isDue(this.token))) return this.token;
    if (!this.provider) throw new Error('no access token');
    return this.refresh();
  }

  /** Asks the provider now (deduplicated). A fixed string token is returned unchanged. */
  refresh(): Promise<string> {
    if (!this.provider) {
      return this.token !== null ? Promise.resolve(this.token) : Promise.reject(new Error('no access token'));
    }
    if (this.inFlight) return this.inFlight;
    const provider = this.provider;
    const run = (async () => {
      try {
        const token = await provider();
        if (typeof token !== 'string' || token.length === 0) throw new Error('the token provider returned no token');
        // A token that is already due counts as a failure, so a provider stuck on a stale token is asked
        // with growing delays instead of every second.
        this.failedRefreshes = this.isDue(token) ? this.failedRefreshes + 1 : 0;
        this.accept(token);
        return token;
      } catch (error) {
        this.failedRefreshes += 1;
        this.schedule();
        throw error;
      } finally {
        this.inFlight = null;
      }
    })();
    this.inFlight = run;
    return run;
  }

  /** Replaces the token (e.g. after the user logged in again). */
  set(token: string): void {
    this.accept(token);
  }

  /** Starts refreshing before expiry (only with a provider). */
  startScheduling(): void {
    this.scheduling = true;
    this.schedule();
  }

  stopScheduling(): void {
    this.scheduling = false;
    this.refreshTimer.stop();
  }

  private isDue(token: string): boolean {
    const due = refreshAtMs(token, this.timers.now());
    return due !== null && due <= this.timers.now();
  }

  private accept(token: string): void {
    const changed = token !== this.token;
    this.token = token;
    this.schedule();
    if (changed) for (const listener of [...this.listeners]) listener(token);
  }

  private schedule(): void {
    if (!this.scheduling || !this.provider || this.token === null) {
      this.refreshTimer.stop();
      return;
    }
    const nowMs = this.timers.now();
    const due = refreshAtMs(this.token, nowMs);
    if (due === null) {
      this.refreshTimer.stop();
      return;
    }
    // After failures, back off 1 s, 2 s, 4 s … (max 30 s) instead of hammering the provider.
    const retryFloorMs =
      this.failedRefreshes > 0 ? Math.min(30_000, MIN_REFRESH_DELAY_MS * 2 ** (this.failedRefreshes - 1)) : 0;
    const delayMs = Math.max(due - nowMs, MIN_REFRESH_DELAY_MS, retryFloorMs);
    this.refreshTimer.start(delayMs, () => {
      this.refresh().catch(() => {
        // Already rescheduled with backoff; the server closes channels if the token really expires.
      });
    });
  }
}
