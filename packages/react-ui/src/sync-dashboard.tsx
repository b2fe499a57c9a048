import { AnimatedMetric } from './animated-metric.tsx';
import { Sparkline } from './sparkline.tsx';

/** Live figures from the server's metrics (R16.1). Rates are fractions 0..1. */
export interface SyncMetricsSnapshot {
  connections: number;
  concurrentUsers: number;
  messagesPerSecond: number;
  averageLatencyMs: number;
  uptimeRatio: number;
  reconnectsPerMinute: number;
  syncFailureRate: number;
  conflictRate: number;
  /** Subscriptions per topic kind, e.g. { wedding: 42, 'supplier:team': 7 }. */
  subscriptionsByTopicKind: Readonly<Record<string, number>>;
}

export interface SyncMetricsSample {
  atMs: number;
  connections: number;
  messagesPerSecond: number;
  averageLatencyMs: number;
  errorRate: number;
}

export interface SyncDashboardProps {
  metrics: SyncMetricsSnapshot | null;
  /** Oldest first. */
  history: readonly SyncMetricsSample[];
  /** When the figures were read. */
  updatedAtMs?: number | null;
}

const percent = (value: number) => `${(value * 100).toFixed(value < 0.01 && value > 0 ? 2 : 1)}%`;

/** The sync performance dashboard (R16.2): live stats, history graphs, error trend, subscriptions. */
export function SyncDashboard({ metrics, history }: SyncDashboardProps) {
  if (!metrics) {
    return (
      <section className="ws-syncdash" aria-label="Sync performance">
        <h2 className="ws-section-title">Sync performance</h2>
        <p className="ws-muted" role="status">
          Waiting for the first metrics…
        </p>
      </section>
    );
  }
  const subscriptions = Object.entries(metrics.subscriptionsByTopicKind).sort((a, b) => b[1] - a[1]);
  const totalSubscriptions = subscriptions.reduce((sum, [, count]) => sum + count, 0);
  return (
    <section className="ws-syncdash" aria-label="Sync performance">
      <h2 className="ws-section-title">Sync performance</h2>
      <div className="ws-syncdash__stats">
        <AnimatedMetric label="Connections" value={metrics.connections} />
        <AnimatedMetric label="Concurrent users" value={metrics.concurrentUsers} />
        <AnimatedMetric label="Messages / s" value={metrics.messagesPerSecond} format={(v) => v.toFixed(1)} />
        <AnimatedMetric
          label="Average latency"
          value={metrics.averageLatencyMs}
          format={(v) => `${Math.round(v)} ms`}
        />
        <AnimatedMetric label="Uptime" value={metrics.uptimeRatio} format={percent} significantRatio={0.01} />
        <AnimatedMetric label="Reconnects / min" value={metrics.reconnectsPerMinute} format={(v) => v.toFixed(1)} />
        <AnimatedMetric label="Sync failures" value={metrics.syncFailureRate} format={percent} />
        <AnimatedMetric label="Conflicts" value={metrics.conflictRate} format={percent} />
      </div>
      <div className="ws-syncdash__graphs">
        <Sparkline label="Connections" values={history.map((s) => s.connections)} />
        <Sparkline label="Messages / s" values={history.map((s) => s.messagesPerSecond)} format={(v) => v.toFixed(1)} />
        <Sparkline
          label="Latency"
          values={history.map((s) => s.averageLatencyMs)}
          format={(v) => `${Math.round(v)} ms`}
          tone="yellow"
        />
        <Sparkline label="Error rate" values={history.map((s) => s.errorRate)} format={percent} tone="red" />
      </div>
      <table className="ws-table">
        <caption>Channel subscriptions ({totalSubscriptions})</caption>
        <thead>
          <tr>
            <th scope="col">Channel kind</th>
            <th scope="col">Subscriptions</th>
          </tr>
        </thead>
        <tbody>
          {subscriptions.map(([kind, count]) => (
            <tr key={kind}>
              <th scope="row">
                <code>{kind}</code>
              </th>
              <td>{count.toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
