import type { ConnectionLogEntry } from '../diagnostics/connection-log.ts';

/**
 * This device's link quality from its connection log (R16.1): share of time connected and
 * reconnections per minute, over the log's span up to `nowMs`.
 */
export function connectionFigures(
  log: readonly ConnectionLogEntry[],
  nowMs: number,
): { uptimeRatio: number | null; reconnectsPerMinute: number | null } {
  // Measured from the first successful connection: the initial handshake is not downtime.
  const firstConnected = log.findIndex((entry) => entry.state === 'connected');
  if (firstConnected > 0) return connectionFigures(log.slice(firstConnected), nowMs);
  const first = log[0];
  if (!first || firstConnected === -1) return { uptimeRatio: null, reconnectsPerMinute: null };
  const startMs = Date.parse(first.at);
  const spanMs = nowMs - startMs;
  if (!(spanMs > 0)) return { uptimeRatio: null, reconnectsPerMinute: null };
  let connectedMs = 0;
  let reconnects = 0;
  log.forEach((entry, index) => {
    const fromMs = Date.parse(entry.at);
    const next = log[index + 1];
    const toMs = next ? Date.parse(next.at) : nowMs;
    if (entry.state === 'connected') connectedMs += Math.max(0, toMs - fromMs);
    const previous = log[index - 1];
    if (entry.state === 'reconnecting' && previous?.state !== 'reconnecting') reconnects += 1;
  });
  return { uptimeRatio: connectedMs / spanMs, reconnectsPerMinute: reconnects / (spanMs / 60_000) };
}
