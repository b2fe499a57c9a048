import { Counter, Gauge, Registry } from 'prom-client';

/**
 * Per-server prom-client registry (never the global one, so several servers in one process keep
 * separate figures). Gauges are computed at scrape time from the live maps, so they cannot drift.
 */
export class RealtimeMetrics {
  readonly registry = new Registry();
  readonly messagesIn: Counter;
  readonly messagesOut: Counter;
  readonly heartbeatTimeouts: Counter;
  readonly joinsRefused: Counter<'code'>;
  readonly rateLimited: Counter;
  readonly malformedFrames: Counter;

  constructor(nodeId: string, live: { connections(): number; channels(): number; topics(): number }) {
    this.registry.setDefaultLabels({ node: nodeId });
    const registers = [this.registry];
    new Gauge({
      name: 'realtime_connections',
      help: 'Open WebSocket connections on this node',
      registers,
      collect() {
        this.set(live.connections());
      },
    });
    new Gauge({
      name: 'realtime_channels',
      help: 'Joined channels (subscriptions) on this node',
      registers,
      collect() {
        this.set(live.channels());
      },
    });
    new Gauge({
      name: 'realtime_topics',
      help: 'Distinct topics with at least one member on this node',
      registers,
      collect() {
        this.set(live.topics());
      },
    });
    this.messagesIn = new Counter({
      name: 'realtime_messages_in_total',
      help: 'Frames received from clients',
      registers,
    });
    this.messagesOut = new Counter({
      name: 'realtime_messages_out_total',
      help: 'Frames written to clients',
      registers,
    });
    this.heartbeatTimeouts = new Counter({
      name: 'realtime_heartbeat_timeouts_total',
      help: 'Connections dropped after two missed heartbeats',
      registers,
    });
    this.joinsRefused = new Counter({
      name: 'realtime_joins_refused_total',
      help: 'Refused channel joins by error code',
      labelNames: ['code'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'realtime_rate_limited_total',
      help: 'Messages refused with RATE_LIMITED',
      registers,
    });
    this.malformedFrames = new Counter({
      name: 'realtime_malformed_frames_total',
      help: 'Frames that could not be decoded',
      registers,
    });
  }
}
