/** Connection states of R1.5. */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'reconnecting' | 'error';

/**
 * What the SDK shows about its link (R1.5, R1.6). A new object on every change, so it can be used as a
 * `useSyncExternalStore` snapshot.
 */
export interface ConnectionStatus {
  state: ConnectionState;
  /**
   * Why the link is in this state: an error code (`HEARTBEAT_TIMEOUT`, `CONNECTION_LOST`, `TOKEN_EXPIRED`,
   * `SERVER_SHUTTING_DOWN`, `OFFLINE`, `MANUAL` …) or a text; null while healthy.
   */
  reason: string | null;
  /** Consecutive failed attempts; goes back to 0 after `stableResetMs` connected. */
  attempt: number;
  /** When the next automatic retry fires (epoch ms), or null when none is scheduled. */
  nextRetryAtMs: number | null;
  /** Round trip of the last answered heartbeat, in ms; null before the first answer. */
  latencyMs: number | null;
  /** When the socket last opened (epoch ms). */
  lastConnectedAtMs: number | null;
}

export type StatusListener = (status: ConnectionStatus) => void;

export const INITIAL_STATUS: ConnectionStatus = Object.freeze({
  state: 'disconnected',
  reason: null,
  attempt: 0,
  nextRetryAtMs: null,
  latencyMs: null,
  lastConnectedAtMs: null,
});
