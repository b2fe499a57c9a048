/**
 * How a connection state looks (R1.6). One pure mapping shared by the desktop indicator and the
 * mobile top bar, so both always agree.
 *
 * The state names are the SDK's (R1.5): connecting | connected | disconnected | reconnecting | error.
 */
export type ConnectionStateName = 'connecting' | 'connected' | 'disconnected' | 'reconnecting' | 'error';

export type ConnectionTone = 'green' | 'yellow' | 'red';

export interface ConnectionAppearance {
  tone: ConnectionTone;
  /** Reconnecting pulses (yellow pulsing in R1.6). */
  pulsing: boolean;
  /** Error shows a retry button (red with a retry button in R1.6). */
  showRetry: boolean;
  /** Short visible label, e.g. "Connected", "Slow connection", "Reconnecting (attempt 3)". */
  label: string;
}

/** Latency above which a connected link counts as slow and turns yellow; 1,000 ms by default. */
export const DEFAULT_SLOW_LATENCY_MS = 1000;

export interface ConnectionAppearanceInput {
  state: ConnectionStateName;
  latencyMs?: number | null;
  attempt?: number;
  slowLatencyMs?: number;
}

export function describeConnection(input: ConnectionAppearanceInput): ConnectionAppearance {
  const slowLatencyMs = input.slowLatencyMs ?? DEFAULT_SLOW_LATENCY_MS;
  switch (input.state) {
    case 'connected': {
      const slow = input.latencyMs != null && input.latencyMs > slowLatencyMs;
      return slow
        ? { tone: 'yellow', pulsing: false, showRetry: false, label: 'Slow connection' }
        : { tone: 'green', pulsing: false, showRetry: false, label: 'Connected' };
    }
    case 'connecting':
      return { tone: 'yellow', pulsing: false, showRetry: false, label: 'Connecting' };
    case 'reconnecting': {
      const attempt = input.attempt && input.attempt > 0 ? ` (attempt ${input.attempt})` : '';
      return { tone: 'yellow', pulsing: true, showRetry: false, label: `Reconnecting${attempt}` };
    }
    case 'disconnected':
      return { tone: 'red', pulsing: false, showRetry: false, label: 'Offline' };
    case 'error':
      return { tone: 'red', pulsing: false, showRetry: true, label: 'Connection error' };
  }
}
