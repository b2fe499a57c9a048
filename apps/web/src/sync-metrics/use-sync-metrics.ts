import { useConnectionStatus, useRealtimeClient } from '@wedsync/react';
import type { SyncMetricsSample, SyncMetricsSnapshot } from '@wedsync/react-ui';
import { useEffect, useRef, useState } from 'react';
import type { ConnectionLogEntry } from '../diagnostics/connection-log.ts';
import { connectionFigures } from './connection-figures.ts';
import { pollWhileVisible } from './poll-while-visible.ts';
import { meanWhere, parsePrometheusText, sumOf, sumWhere } from './prometheus-text.ts';

export interface SyncMetricsState {
  metrics: SyncMetricsSnapshot | null;
  history: SyncMetricsSample[];
  error: string | null;
}

const HISTORY_SAMPLES = 60;

/**
 * R16.2 figures: the server's GET /metrics (connections, concurrent users, subscriptions, message rate,
 * refusals, sync failure ratio), read
 * every `intervalMs` (default 5 s) only while the page is visible (no polling while hidden), plus
 * this device's latency, uptime and reconnection rate from the SDK.
 */
export function useSyncMetrics(connectionLog: readonly ConnectionLogEntry[], intervalMs = 5000): SyncMetricsState {
  const client = useRealtimeClient();
  const status = useConnectionStatus();
  const latencyRef = useRef(status.latencyMs);
  latencyRef.current = status.latencyMs;
  const [state, setState] = useState<SyncMetricsState>({ metrics: null, history: [], error: null });

  useEffect(() => {
    let previous: { atMs: number; messages: number; errors: number } | null = null;
    return pollWhileVisible(async (isStopped) => {
      try {
        const response = await fetch('/metrics');
        if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
        const samples = parsePrometheusText(await response.text());
        const atMs = Date.now();
        const messages =
          (sumOf(samples, 'realtime_messages_in_total') ?? 0) + (sumOf(samples, 'realtime_messages_out_total') ?? 0);
        const errors =
          (sumOf(samples, 'realtime_joins_refused_total') ?? 0) +
          (sumOf(samples, 'realtime_rate_limited_total') ?? 0) +
          (sumOf(samples, 'realtime_malformed_frames_total') ?? 0);
        const seconds = previous ? (atMs - previous.atMs) / 1000 : 0;
        const messagesPerSecond = previous && seconds > 0 ? Math.max(0, messages - previous.messages) / seconds : null;
        const errorDelta = previous ? Math.max(0, errors - previous.errors) : 0;
        const errorRate = previous && messages > previous.messages ? errorDelta / (messages - previous.messages) : 0;
        previous = { atMs, messages, errors };
        const figures = connectionFigures(connectionLog, atMs);
        const connections = sumOf(samples, 'realtime_connections');
        const byKind: Record<string, number> = {};
        const serverChannels = sumOf(samples, 'realtime_channels');
        if (serverChannels !== null) byKind['all channels (server)'] = serverChannels;
        const topics = sumOf(samples, 'realtime_topics');
        if (topics !== null) byKind['distinct topics (server)'] = topics;
        for (const channel of client.channels()) {
          if (channel.state !== 'joined') continue;
          const kind = `${channel.topic.split(':')[0]} (this device)`;
          byKind[kind] = (byKind[kind] ?? 0) + 1;
        }
        const metrics: SyncMetricsSnapshot = {
          connections,
          // The app server's analytics gauges (R16.1), whole-system series `tenant="*"`.
          concurrentUsers: sumWhere(samples, 'wedsync_concurrent_users', 'tenant', '*'),
          messagesPerSecond,
          averageLatencyMs: latencyRef.current,
          uptimeRatio: figures.uptimeRatio,
          reconnectsPerMinute: figures.reconnectsPerMinute,
          syncFailureRate: meanWhere(samples, 'wedsync_sync_failure_ratio', 'tenant', '*'),
          // Conflict frequency comes from every client's telemetry (the analytics history, SyncPage).
          conflictRate: null,
          subscriptionsByTopicKind: byKind,
        };
        const sample: SyncMetricsSample = {
          atMs,
          connections: connections ?? 0,
          messagesPerSecond: messagesPerSecond ?? 0,
          averageLatencyMs: latencyRef.current ?? 0,
          errorRate,
        };
        if (!isStopped())
          setState((current) => ({
            metrics,
            history: [...current.history, sample].slice(-HISTORY_SAMPLES),
            error: null,
          }));
      } catch (error) {
        if (!isStopped()) setState((current) => ({ ...current, error: (error as Error).message }));
      }
    }, intervalMs);
  }, [client, connectionLog, intervalMs]);

  return state;
}
