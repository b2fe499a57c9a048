/**
 * Origin allow-list (cross-site WebSocket hijacking guard). Unset list: every origin. Requests
 * without an Origin header come from non-browser clients, which Origin cannot protect, and are allowed.
 */
export class OriginPolicy {
  private readonly allowed: Set<string> | undefined;

  constructor(allowedOrigins: string[] | undefined) {
    this.allowed = allowedOrigins ? new Set(allowedOrigins.map((origin) => origin.toLowerCase())) : undefined;
  }

  allows(origin: string | undefined): boolean {
    if (!this.allowed || origin === undefined) return true;
    return this.allowed.has(origin.toLowerCase());
  }
}
