import type { ConnectionStatus, RealtimeClient } from '@wedsync/client';

/** One entry of the connection log bundled by "Report problem" (R15.2). */
export interface ConnectionLogEntry {
  at: string;
  state: ConnectionStatus['state'];
  reason: string | null;
  attempt: number;
  latencyMs: number | null;
}

/**
 * Records the client's status changes (bounded ring, newest last) for diagnostics and detailed
 * debugging logs. Returns the stop function.
 */
export function recordConnectionLog(client: RealtimeClient, log: ConnectionLogEntry[], maxEntries = 200): () => void {
  const push = (status: ConnectionStatus) => {
    log.push({
      at: new Date().toISOString(),
      state: status.state,
      reason: status.reason,
      attempt: status.attempt,
      latencyMs: status.latencyMs,
    });
    if (log.length > maxEntries) log.splice(0, log.length - maxEntries);
  };
  push(client.status);
  return client.onStatus(push);
}
