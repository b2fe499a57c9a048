import type { TelemetryBatch } from '@wedsync/protocol';
import type { TelemetrySend } from './sync-telemetry.ts';

type FetchFn = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; keepalive: boolean },
) => Promise<{ ok: boolean; status: number }>;

export interface HttpTelemetrySenderOptions {
  /** e.g. `https://app.example/api/telemetry`. */
  url: string;
  /** The user's access token (sent as `Authorization: Bearer`), or a function returning the current one. */
  token: string | (() => string | Promise<string>);
  /** Default `globalThis.fetch`. */
  fetch?: FetchFn;
}

/** A send that failed; `retry: false` for answers a resend cannot fix (4xx other than 408/429). */
export class TelemetrySendError extends Error {
  constructor(
    readonly status: number,
    readonly retry: boolean,
  ) {
    super(`telemetry POST failed with HTTP ${status}`);
  }
}

/**
 * `POST {url}` with `{ reports }` (R12.1, R16.1), `keepalive` so a batch sent as the page hides still
 * arrives. A network error or a 5xx/408/429 answer is retried with the next batch; other 4xx drop it.
 */
export function createHttpTelemetrySender(options: HttpTelemetrySenderOptions): TelemetrySend {
  const fetchImpl = options.fetch ?? (globalThis as { fetch?: FetchFn }).fetch;
  if (!fetchImpl) throw new TypeError('No fetch implementation: pass options.fetch');
  return async (batch: TelemetryBatch) => {
    const token = typeof options.token === 'function' ? await options.token() : options.token;
    const response = await fetchImpl(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(batch),
      keepalive: true,
    });
    if (response.ok) return;
    const status = response.status;
    throw new TelemetrySendError(status, status >= 500 || status === 408 || status === 429);
  };
}
