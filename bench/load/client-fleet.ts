import type { Histogram } from 'hdr-histogram-js';
import { nowUs } from '../clock/monotonic-clock.ts';
import { BenchConnection, type ConnectionHooks } from './bench-connection.ts';
import { type ClientLayout, roomMembers, roomOf, signToken, sourceAddressOf, topicsOf } from './client-layout.ts';
import { encodeHistogram, newHistogram, recordUs } from './latency-histogram.ts';
import { runOpenLoop } from './open-loop.ts';
import { paddingFor, stampedPayload } from './stamp.ts';
import { DIALECTS, type WireDialect } from './wire-dialect.ts';

export interface OpenRequest {
  /** Open-loop connect rate of this worker; absent: as fast as `concurrency` allows. */
  ratePerSecond?: number;
  /** In-flight connects when no rate is given; default 256. */
  concurrency?: number;
  /** A connection not ready (opened and joined) within this is counted as failed; default 60 s. */
  timeoutMs?: number;
}

export interface OpenResult {
  opened: number;
  failed: number;
  errors: string[];
  /** Scheduled start → WebSocket open (µs histogram, encoded). */
  handshake: string;
  /** Scheduled start → joined (and tracked) on every topic. */
  ready: string;
  firstStartUs: number;
  lastReadyUs: number;
}

export interface PublishRequest {
  /** `publisher`: only client 0 sends; `all`: every client of this worker, round robin. */
  senders: 'publisher' | 'all';
  /** This worker's total send rate. */
  ratePerSecond: number;
  durationMs: number;
  payloadBytes: number;
}

/**
 * The clients of one load worker: opens them, publishes stamped messages on an open-loop schedule,
 * and counts what arrives (delivered count + latency histogram), for any protocol.
 */
export class ClientFleet implements ConnectionHooks {
  readonly connections: BenchConnection[] = [];
  readonly dialect: WireDialect;
  delivered = 0;
  latency: Histogram = newHistogram();
  closes = 0;
  /** Pushes that are not stamps (sync changes, presence diffs) go here. */
  pushHandler: ((connection: BenchConnection, topic: string, event: string, payload: unknown) => void) | undefined;
  closeHandler: ((connection: BenchConnection) => void) | undefined;
  private readonly tokens = new Map<number, string>();
  private readonly heartbeatTimer: NodeJS.Timeout;

  constructor(
    readonly layout: ClientLayout,
    first: number,
    count: number,
  ) {
    this.dialect = DIALECTS[layout.protocol];
    for (let g = first; g < first + count; g++)
      this.connections.push(new BenchConnection(g, roomOf(layout, g), topicsOf(layout, g)));
    // Phoenix servers drop sockets silent for 2 × 30 s.
    this.heartbeatTimer = setInterval(() => {
      for (const connection of this.connections) if (connection.open) this.dialect.heartbeat(connection);
    }, 20_000);
  }

  onStamp(_connection: BenchConnection, latencyUs: number): void {
    this.delivered++;
    recordUs(this.latency, latencyUs);
  }

  onPush(connection: BenchConnection, topic: string, event: string, payload: unknown): void {
    this.pushHandler?.(connection, topic, event, payload);
  }

  onClose(connection: BenchConnection): void {
    this.closes++;
    this.closeHandler?.(connection);
  }

  async open(request: OpenRequest): Promise<OpenResult> {
    if (this.layout.auth) {
      for (const connection of this.connections) {
        if (!this.tokens.has(connection.g)) this.tokens.set(connection.g, await signToken(connection.g));
      }
    }
    const handshake = newHistogram();
    const ready = newHistogram();
    const errors: string[] = [];
    let opened = 0;
    let failed = 0;
    let firstStartUs = Number.POSITIVE_INFINITY;
    let lastReadyUs = 0;
    const openOne = async (connection: BenchConnection, scheduledUs: number) => {
      firstStartUs = Math.min(firstStartUs, scheduledUs);
      try {
        await this.connectAndSetup(connection, request.timeoutMs ?? 60_000, () =>
          recordUs(handshake, nowUs() - scheduledUs),
        );
        const readyUs = nowUs();
        recordUs(ready, readyUs - scheduledUs);
        lastReadyUs = Math.max(lastReadyUs, readyUs);
        opened++;
      } catch (error) {
        failed++;
        if (errors.length < 5) errors.push(error instanceof Error ? error.message : String(error));
        connection.kill();
      }
    };
    if (request.ratePerSecond) {
      const pending: Promise<void>[] = [];
      await runOpenLoop(this.connections.length, request.ratePerSecond, (index, scheduledUs) => {
        pending.push(openOne(this.connections[index]!, scheduledUs));
      });
      await Promise.all(pending);
    } else {
      let next = 0;
      const lane = async () => {
        for (let index = next++; index < this.connections.length; index = next++)
          await openOne(this.connections[index]!, nowUs());
      };
      await Promise.all(Array.from({ length: request.concurrency ?? 256 }, lane));
    }
    const result = {
      opened,
      failed,
      errors,
      handshake: encodeHistogram(handshake),
      ready: encodeHistogram(ready),
      firstStartUs,
      lastReadyUs,
    };
    handshake.destroy();
    ready.destroy();
    return result;
  }

  /** Connects one client and runs its protocol setup (joins with the current `lastSeq`), bounded by `timeoutMs`. */
  async connectAndSetup(connection: BenchConnection, timeoutMs: number, onOpen?: () => void): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`not ready within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const url = this.dialect.url(this.layout, connection, this.tokens.get(connection.g));
      await Promise.race([
        (async () => {
          await connection.connect(url, sourceAddressOf(this.layout, connection.g), this, (text) =>
            this.dialect.onText(connection, text, this),
          );
          onOpen?.();
          await this.dialect.setup(this.layout, connection);
        })(),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async publish(
    request: PublishRequest,
  ): Promise<{ sent: number; expected: number; skipped: number; maxLagUs: number }> {
    const senders = request.senders === 'publisher' ? this.connections.filter((c) => c.g === 0) : this.connections;
    const total = Math.round((request.ratePerSecond * request.durationMs) / 1000);
    if (senders.length === 0 || total === 0) return { sent: 0, expected: 0, skipped: 0, maxLagUs: 0 };
    const padding = paddingFor(request.payloadBytes);
    let sent = 0;
    let expected = 0;
    let skipped = 0;
    const { maxLagUs } = await runOpenLoop(total, request.ratePerSecond, (index, scheduledUs) => {
      const sender = senders[index % senders.length]!;
      if (!sender.open) {
        skipped++;
        return;
      }
      sender.send(this.dialect.stampedFrame(sender, sender.topics[0]!, stampedPayload(scheduledUs, padding)));
      sent++;
      expected += roomMembers(this.layout, sender.room) - 1;
    });
    return { sent, expected, skipped, maxLagUs };
  }

  /** Delivered count and latency since the last reset. */
  collect(reset: boolean): { delivered: number; latency: string; closes: number } {
    const result = { delivered: this.delivered, latency: encodeHistogram(this.latency), closes: this.closes };
    if (reset) {
      this.delivered = 0;
      this.latency.reset();
    }
    return result;
  }

  openCount(): number {
    return this.connections.filter((connection) => connection.open).length;
  }

  closeAll(): void {
    for (const connection of this.connections) connection.close();
  }

  killAll(): void {
    for (const connection of this.connections) connection.kill();
  }

  dispose(): void {
    clearInterval(this.heartbeatTimer);
    this.killAll();
  }
}
