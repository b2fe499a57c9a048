import type { Histogram } from 'hdr-histogram-js';
import { nowUs } from '../clock/monotonic-clock.ts';
import type { BenchConnection } from './bench-connection.ts';
import type { ClientFleet } from './client-fleet.ts';
import { roomMembers } from './client-layout.ts';
import { encodeHistogram, newHistogram, recordUs } from './latency-histogram.ts';
import { runOpenLoop } from './open-loop.ts';
import { joinPayload } from './wire-dialect.ts';

type PresenceMap = Record<string, { metas?: { t?: unknown }[] }>;

/**
 * Presence churn: in every room the first `churnersPerRoom` members alternately leave the room
 * channel and rejoin it (join + track with the scheduled time `t` in the meta), on one open-loop
 * schedule; the other members (observers, who never leave) count the joins and leaves in the
 * `presence_diff`s they receive and measure scheduled join → diff arrival.
 */
export class PresenceChurnDriver {
  joinsSeen = 0;
  leavesSeen = 0;
  expectedJoins = 0;
  expectedLeaves = 0;
  readonly joinLatency: Histogram = newHistogram();

  constructor(
    private readonly fleet: ClientFleet,
    private readonly churnersPerRoom: number,
  ) {
    fleet.pushHandler = (connection, topic, event, payload) => {
      if (event !== 'presence_diff' || topic !== connection.topics[0] || this.isChurner(connection)) return;
      const arrivedUs = nowUs();
      const { joins = {}, leaves = {} } = payload as { joins?: PresenceMap; leaves?: PresenceMap };
      for (const entry of Object.values(joins)) {
        for (const meta of entry.metas ?? []) {
          this.joinsSeen++;
          if (typeof meta.t === 'number') recordUs(this.joinLatency, arrivedUs - meta.t);
        }
      }
      for (const entry of Object.values(leaves)) this.leavesSeen += entry.metas?.length ?? 0;
    };
  }

  private isChurner(connection: BenchConnection): boolean {
    return connection.g % this.fleet.layout.roomSize < this.churnersPerRoom;
  }

  private observers(room: number): number {
    const members = roomMembers(this.fleet.layout, room);
    return members - Math.min(members, this.churnersPerRoom);
  }

  /** Joins and leaves at `ratePerSecond` (this worker's total) for `durationMs`. */
  async churn(request: {
    ratePerSecond: number;
    durationMs: number;
  }): Promise<{ joins: number; leaves: number; maxLagUs: number }> {
    const churners = this.fleet.connections.filter((connection) => this.isChurner(connection));
    const total = Math.round((request.ratePerSecond * request.durationMs) / 1000);
    let joins = 0;
    let leaves = 0;
    if (churners.length === 0 || total === 0) return { joins, leaves, maxLagUs: 0 };
    const { maxLagUs } = await runOpenLoop(total, request.ratePerSecond, (index, scheduledUs) => {
      const connection = churners[index % churners.length]!;
      if (!connection.open) return;
      const topic = connection.topics[0]!;
      if (connection.joined) {
        void connection.request(topic, 'phx_leave', {});
        connection.joined = false;
        leaves++;
        this.expectedLeaves += this.observers(connection.room);
      } else {
        this.rejoin(connection, scheduledUs);
        joins++;
        this.expectedJoins += this.observers(connection.room);
      }
    });
    return { joins, leaves, maxLagUs };
  }

  private rejoin(connection: BenchConnection, scheduledUs: number): void {
    const topic = connection.topics[0]!;
    void connection.request(topic, 'phx_join', joinPayload(this.fleet.layout, connection, true));
    connection.push(topic, 'presence', {
      type: 'presence',
      event: 'track',
      payload: { status: 'active', t: scheduledUs },
    });
    connection.joined = true;
  }

  /** Rejoins the churners that are out (not counted), so the next run starts with full rooms. */
  restore(): number {
    let restored = 0;
    for (const connection of this.fleet.connections) {
      if (this.isChurner(connection) && !connection.joined && connection.open) {
        this.rejoin(connection, nowUs());
        restored++;
      }
    }
    return restored;
  }

  collect(reset: boolean) {
    const result = {
      joinsSeen: this.joinsSeen,
      leavesSeen: this.leavesSeen,
      expectedJoins: this.expectedJoins,
      expectedLeaves: this.expectedLeaves,
      joinLatency: encodeHistogram(this.joinLatency),
    };
    if (reset) {
      this.joinsSeen = 0;
      this.leavesSeen = 0;
      this.expectedJoins = 0;
      this.expectedLeaves = 0;
      this.joinLatency.reset();
    }
    return result;
  }
}
