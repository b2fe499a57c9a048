import { AnimatedMetric } from './animated-metric.tsx';
import { Sparkline } from './sparkline.tsx';

/** Live figures (R16.1). Rates are fractions 0..1; null means "not reported" and is shown as such. */
export interface SyncMetricsSnapshot {
  connections: number | null;
  concurrentUsers: number | null;
  messagesPerSecond: number | null;
  averageLatencyMs: number | null;
  uptimeRatio: number | null;
  reconnectsPerMinute: number | null;
  syncFailureRate: number | null;
  conflictRate: number | null;
  /** Subscription counts by label, e.g. { 'all channels (server)': 42, wedding: 3 }. */
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
const whole = (value: number) => Math.round(value).toLocaleString();

type NumericKey = Exclude<keyof SyncMetricsSnapshot, 'subscriptionsByTopicKind'>;
const STATS: { key: NumericKey; label: string; format: (value: number) => string; significantRatio?: number }[] = [
  { key: 'connections', label: 'Connections', format: whole },
  { key: 'concurrentUsers', label: 'Concurrent users', format: whole },
  { key: 'messagesPerSecond', label: 'Messages / s', format: (v) => v.toFixed(1) },
  { key: 'averageLatencyMs', label: 'Average latency', format: (v) => `${Math.round(v)} ms` },
  { key: 'uptimeRatio', label: 'Uptime', format: percent, significantRatio: 0.01 },
  { key: 'reconnectsPerMinute', label: 'Reconnects / min', format: (v) => v.toFixed(1) },
  { key: 'syncFailureRate', label: 'Sync failures', format: percent },
  { key: 'conflictRate', label: 'Conflicts', format: percent },
];

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
  return (
    <section className="ws-syncdash" aria-label="Sync performance">
      <h2 className="ws-section-title">Sync performance</h2>
      <div className="ws-syncdash__stats">
        {STATS.map(({ key, label, format, significantRatio }) => {
          const value = metrics[key];
          return value === null ? (
            <div key={key} className="ws-metric" data-missing="true">
              <span className="ws-metric__label">{label}</span>
              <span className="ws-metric__value ws-muted">—</span>
              <span className="ws-metric__hint">not reported</span>
            </div>
          ) : (
            <AnimatedMetric key={key} label={label} value={value} format={format} significantRatio={significantRatio} />
          );
        })}
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
        <caption>Channel subscriptions</caption>
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
