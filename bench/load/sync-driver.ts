import type { Histogram } from 'hdr-histogram-js';
import { nowUs } from '../clock/monotonic-clock.ts';
import type { BenchConnection, Reply } from './bench-connection.ts';
import type { ClientFleet } from './client-fleet.ts';
import { roomMembers } from './client-layout.ts';
import { encodeHistogram, newHistogram, recordUs } from './latency-histogram.ts';
import { runOpenLoop } from './open-loop.ts';

/** Field 2 of the bench collection carries the mutation's scheduled send time (µs). */
const STAMP_FIELD = 2;
const MAX_BATCH = 100;

interface Queued {
  mutation: { mid: number; c: string; id: string; base: number; ops: { k: 'set'; f: number; v: unknown }[] };
  scheduledUs: number;
}

interface Writer {
  connection: BenchConnection;
  queue: Queued[];
  inFlight: boolean;
}

interface ChangeLike {
  seq?: number;
  ops?: { f?: number; v?: unknown }[];
}

/**
 * Durable record sync from the client side: writers (the first client of each room) send
 * `sync_mutate` on an open-loop schedule the way the SDK's outbox does (one batch in flight, what
 * accumulates meanwhile goes next, ≤ 100 per batch); every room member counts `sync_changes`, keeps
 * its last `seq`, and (for the reconnect storm) reconnects and resumes from it.
 */
export class SyncDriver {
  delivered = 0;
  expected = 0;
  applied = 0;
  rejected = 0;
  readonly ack: Histogram = newHistogram();
  readonly sendToClient: Histogram = newHistogram();
  /** (seq, arrival µs) of every delivered change, for commit→client latency against the server's commit stamps. */
  seqs: number[] = [];
  arrivals: number[] = [];
  recordArrivals = false;
  private writers: Writer[] = [];
  private acksPending = 0;
  private acksDrained: (() => void) | undefined;
  // Reconnect storm
  private autoReconnect = false;
  private jitterMs = 0;
  private readonly rejoined = new Set<BenchConnection>();
  private targets = new Map<number, number>();
  /** Where caught-up latencies count from (kill time, or release time when held). */
  private startUs = 0;
  private holding = false;
  private readonly held: BenchConnection[] = [];
  private readonly reconnecting = new Set<BenchConnection>();
  private readonly caughtUp = new Set<BenchConnection>();
  private readonly caughtUpLatency: Histogram = newHistogram();
  private lastCaughtUpUs = 0;
  private reconnects = 0;
  private reconnectFailures = 0;
  private readonly errors: string[] = [];
  private allCaughtUp: (() => void) | undefined;

  constructor(private readonly fleet: ClientFleet) {
    fleet.pushHandler = (connection, topic, event, payload) => this.onPush(connection, topic, event, payload);
    fleet.closeHandler = (connection) => this.onClose(connection);
    const roomSize = fleet.layout.roomSize;
    this.writers = fleet.connections
      .filter((c) => c.g % roomSize === 0)
      .map((connection) => ({ connection, queue: [], inFlight: false }));
  }

  private onPush(connection: BenchConnection, topic: string, event: string, payload: unknown): void {
    if (topic !== connection.topics[0]) return;
    if (event === 'sync_changes') {
      const arrivedUs = nowUs();
      for (const change of (payload as { changes?: ChangeLike[] }).changes ?? []) {
        this.delivered++;
        const seq = change.seq ?? 0;
        if (connection.lastSeq === undefined || seq > connection.lastSeq) connection.lastSeq = seq;
        if (this.recordArrivals) {
          this.seqs.push(seq);
          this.arrivals.push(arrivedUs);
        }
        const stamp = change.ops?.find((op) => op.f === STAMP_FIELD)?.v;
        if (typeof stamp === 'number') recordUs(this.sendToClient, arrivedUs - stamp);
      }
    } else if (event === 'sync_resync') {
      const seq = (payload as { seq?: number }).seq ?? 0;
      if (connection.lastSeq === undefined || seq > connection.lastSeq) connection.lastSeq = seq;
    } else return;
    this.checkCaughtUp(connection);
  }

  /**
   * Writes for `durationMs` at this worker's share of `ratePerSecond` (the rate of the whole run,
   * split by writers), then waits for every ack.
   */
  async mutate(request: {
    ratePerSecond: number;
    durationMs: number;
    recordsPerWriter: number;
  }): Promise<{ scheduled: number; maxLagUs: number }> {
    const rooms = Math.ceil(this.fleet.layout.totalClients / this.fleet.layout.roomSize);
    const rate = (request.ratePerSecond * this.writers.length) / rooms;
    const total = Math.round((rate * request.durationMs) / 1000);
    if (this.writers.length === 0 || total === 0) return { scheduled: 0, maxLagUs: 0 };
    const { maxLagUs } = await runOpenLoop(total, rate, (index, scheduledUs) => {
      const writer = this.writers[index % this.writers.length]!;
      const { connection } = writer;
      const id = `r${connection.g}-${index % request.recordsPerWriter}`;
      const mutation = {
        mid: ++connection.nextMid,
        c: 'items',
        id,
        base: connection.versions.get(id) ?? 0,
        ops: [{ k: 'set' as const, f: STAMP_FIELD, v: scheduledUs }],
      };
      writer.queue.push({ mutation, scheduledUs });
      this.acksPending++;
      if (!writer.inFlight) this.flush(writer);
    });
    if (this.acksPending > 0) await new Promise<void>((resolve) => (this.acksDrained = resolve));
    return { scheduled: total, maxLagUs };
  }

  private flush(writer: Writer): void {
    const batch = writer.queue.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    writer.inFlight = true;
    const { connection } = writer;
    const payload = { clientId: `w${connection.g}`, mutations: batch.map((item) => item.mutation) };
    connection.requestWith(connection.topics[0]!, 'sync_mutate', payload, (reply: Reply) => {
      const ackedUs = nowUs();
      const results =
        reply.status === 'ok' ? ((reply.response as { results?: { status: string; v?: number }[] }).results ?? []) : [];
      batch.forEach((item, index) => {
        const result = results[index];
        if (result?.status === 'applied') {
          this.applied++;
          this.expected += roomMembers(this.fleet.layout, connection.room);
          if (result.v !== undefined) connection.versions.set(item.mutation.id, result.v);
        } else {
          this.rejected++;
          if (this.errors.length < 5) this.errors.push(JSON.stringify(result ?? reply.response).slice(0, 300));
        }
        recordUs(this.ack, ackedUs - item.scheduledUs);
      });
      this.acksPending -= batch.length;
      writer.inFlight = false;
      if (writer.queue.length > 0) this.flush(writer);
      else if (this.acksPending === 0) this.acksDrained?.();
    });
  }

  collect(reset: boolean) {
    const result = {
      delivered: this.delivered,
      /** Deliveries due for the mutations this worker got applied: one per member of the writer's room. */
      expected: this.expected,
      applied: this.applied,
      rejected: this.rejected,
      ack: encodeHistogram(this.ack),
      sendToClient: encodeHistogram(this.sendToClient),
      seqs: this.seqs,
      arrivals: this.arrivals,
      errors: this.errors.splice(0),
    };
    if (reset) {
      this.delivered = 0;
      this.applied = 0;
      this.rejected = 0;
      this.expected = 0;
      this.ack.reset();
      this.sendToClient.reset();
      this.seqs = [];
      this.arrivals = [];
    }
    return result;
  }

  // ---- reconnect storm ----

  /**
   * From now on a closed client reconnects and resumes from its last seq. With `hold`, closed
   * clients wait for `releaseReconnect` (so a write burst can commit first and the storm measures
   * only the resume path).
   */
  armReconnect(options: { jitterMs: number; hold: boolean }): void {
    this.autoReconnect = true;
    this.jitterMs = options.jitterMs;
    this.holding = options.hold;
    this.held.length = 0;
    this.startUs = 0;
    this.rejoined.clear();
    this.caughtUp.clear();
    this.caughtUpLatency.reset();
    this.targets.clear();
    this.lastCaughtUpUs = 0;
    this.reconnects = 0;
    this.reconnectFailures = 0;
  }

  /** Lets the held clients reconnect (all at once, or spread over `jitterMs`); returns when (µs) and how many. */
  releaseReconnect(): { releasedAtUs: number; released: number } {
    this.holding = false;
    this.startUs = nowUs();
    const released = this.held.splice(0);
    for (const connection of released) this.reconnect(connection);
    return { releasedAtUs: this.startUs, released: released.length };
  }

  private onClose(connection: BenchConnection): void {
    if (!this.autoReconnect || this.reconnecting.has(connection)) return;
    if (this.holding) this.held.push(connection);
    else this.reconnect(connection);
  }

  private reconnect(connection: BenchConnection): void {
    this.reconnecting.add(connection);
    const attempt = (tries: number) => {
      this.reconnects++;
      this.fleet
        .connectAndSetup(connection, 60_000)
        .then(() => {
          this.reconnecting.delete(connection);
          this.rejoined.add(connection);
          this.checkCaughtUp(connection);
        })
        .catch((error: unknown) => {
          this.reconnectFailures++;
          if (this.errors.length < 5) this.errors.push(error instanceof Error ? error.message : String(error));
          connection.kill();
          if (tries < 20) setTimeout(() => attempt(tries + 1), 100 + Math.random() * 400 * tries);
          else this.reconnecting.delete(connection);
        });
    };
    setTimeout(() => attempt(1), Math.random() * this.jitterMs);
  }

  /** The head seq per room each client must reach; latencies count from `startUs` (the kill, or the release when held). */
  setTargets(params: { headByRoom: Record<string, number>; startUs: number }): void {
    if (!this.holding && this.startUs === 0) this.startUs = params.startUs;
    this.targets = new Map(Object.entries(params.headByRoom).map(([room, seq]) => [Number(room), seq]));
    for (const connection of this.fleet.connections) this.checkCaughtUp(connection);
  }

  private checkCaughtUp(connection: BenchConnection): void {
    if (!this.autoReconnect || this.caughtUp.has(connection) || !this.rejoined.has(connection)) return;
    const target = this.targets.get(connection.room);
    if (target === undefined || connection.lastSeq === undefined || connection.lastSeq < target) return;
    const now = nowUs();
    this.caughtUp.add(connection);
    this.lastCaughtUpUs = Math.max(this.lastCaughtUpUs, now);
    recordUs(this.caughtUpLatency, now - this.startUs);
    if (this.caughtUp.size === this.fleet.connections.length) this.allCaughtUp?.();
  }

  async awaitCaughtUp(params: { timeoutMs: number }) {
    if (this.caughtUp.size < this.fleet.connections.length) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, params.timeoutMs);
        this.allCaughtUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.autoReconnect = false;
    return {
      caughtUp: this.caughtUp.size,
      total: this.fleet.connections.length,
      lastCaughtUpUs: this.lastCaughtUpUs,
      latency: encodeHistogram(this.caughtUpLatency),
      reconnects: this.reconnects,
      failures: this.reconnectFailures,
      errors: this.errors.splice(0),
    };
  }
}
