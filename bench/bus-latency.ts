/**
 * Cross-node delivery latency added by the fan-out bus: publish on node A's bus → handler on node B's
 * bus, for the in-process bus and for Redis pub/sub. Both nodes live in this one process, so the figures
 * include this process' event-loop scheduling (as a real node's would), but no WebSocket or database.
 *
 * Scenarios:
 * - one-in-flight: the next message is published when the previous one arrived (pure added latency).
 * - paced: a steady rate of publishes, latency measured under that load (queueing included).
 *
 * Run: `node --import tsx bench/bus-latency.ts` (Redis from REDIS_URL, default redis://127.0.0.1:6379;
 * `--no-redis` to skip it). Options: `--messages=N`, `--rate=msgPerSecond`, `--bytes=payloadBytes`.
 */
import { randomUUID } from 'node:crypto';
import { createRedisBus } from '@wedsync/fanout-redis';
import { type FanoutBus, InProcessBusHub } from '@wedsync/server';
import { build } from 'hdr-histogram-js';

interface BusPairUnderTest {
  name: string;
  a: FanoutBus;
  b: FanoutBus;
  close(): Promise<void>;
}

interface Figures {
  bus: string;
  scenario: string;
  messages: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
  messagesPerSecond: number;
}

function argument(name: string, fallback: number): number {
  const raw = process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  return raw === undefined ? fallback : Number(raw);
}

/** Measures `count` deliveries; `send(i)` publishes message i, the handler resolves its arrival. */
async function measure(
  pair: BusPairUnderTest,
  scenario: string,
  count: number,
  payload: string,
  drive: (publish: (i: number) => void, delivered: (i: number) => Promise<void>) => Promise<void>,
): Promise<Figures> {
  const subject = `bench-${scenario}`;
  const sentAtMs = new Float64Array(count);
  const histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const arrivals = new Map<number, () => void>();
  let received = 0;
  let allArrived!: () => void;
  const done = new Promise<void>((resolve) => {
    allArrived = resolve;
  });
  const stop = await pair.b.subscribe(subject, (message) => {
    const i = Number(message.slice(0, message.indexOf('|')));
    histogram.recordValue(Math.max(1, Math.round((performance.now() - sentAtMs[i]!) * 1000)));
    arrivals.get(i)?.();
    arrivals.delete(i);
    if (++received === count) allArrived();
  });
  const startedMs = performance.now();
  const publish = (i: number) => {
    sentAtMs[i] = performance.now();
    pair.a.publish(subject, `${i}|${payload}`).catch((error: unknown) => {
      throw new Error(`publish ${i} failed during the benchmark`, { cause: error });
    });
  };
  const delivered = (i: number) => new Promise<void>((resolve) => arrivals.set(i, resolve));
  await drive(publish, delivered);
  await done;
  const elapsedMs = performance.now() - startedMs;
  await stop();
  const figures: Figures = {
    bus: pair.name,
    scenario,
    messages: count,
    p50Us: histogram.getValueAtPercentile(50),
    p99Us: histogram.getValueAtPercentile(99),
    p999Us: histogram.getValueAtPercentile(99.9),
    maxUs: histogram.maxValue,
    messagesPerSecond: Math.round((count / elapsedMs) * 1000),
  };
  histogram.destroy();
  return figures;
}

async function oneInFlight(pair: BusPairUnderTest, count: number, payload: string): Promise<Figures> {
  return measure(pair, 'one-in-flight', count, payload, async (publish, delivered) => {
    for (let i = 0; i < count; i++) {
      const arrived = delivered(i);
      publish(i);
      await arrived;
    }
  });
}

/** Publishes at `ratePerSecond`, catching up on every 1 ms tick so the rate holds without drift. */
async function paced(pair: BusPairUnderTest, count: number, ratePerSecond: number, payload: string): Promise<Figures> {
  return measure(pair, `paced ${ratePerSecond}/s`, count, payload, async (publish) => {
    const startedMs = performance.now();
    let sent = 0;
    while (sent < count) {
      const due = Math.min(count, Math.floor(((performance.now() - startedMs) * ratePerSecond) / 1000));
      while (sent < due) publish(sent++);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  });
}

async function inProcessPair(): Promise<BusPairUnderTest> {
  const hub = new InProcessBusHub();
  const [a, b] = [hub.createBus('bench-a'), hub.createBus('bench-b')];
  return { name: 'in-process', a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
}

async function redisPair(url: string): Promise<BusPairUnderTest> {
  const keyPrefix = `bench-${randomUUID().slice(0, 8)}:`;
  const a = await createRedisBus({ url, keyPrefix, nodeId: 'bench-a' });
  const b = await createRedisBus({ url, keyPrefix, nodeId: 'bench-b' });
  return { name: 'redis', a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
}

export async function runBusLatencyBench(): Promise<Figures[]> {
  const messages = argument('messages', 20_000);
  const rate = argument('rate', 10_000);
  const payload = 'x'.repeat(argument('bytes', 256));
  const pairs: Array<() => Promise<BusPairUnderTest>> = [inProcessPair];
  if (!process.argv.includes('--no-redis'))
    pairs.push(() => redisPair(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'));
  const results: Figures[] = [];
  for (const makePair of pairs) {
    const pair = await makePair();
    try {
      await oneInFlight(pair, Math.min(1000, messages), payload); // warm-up, not reported
      results.push(await oneInFlight(pair, Math.min(5000, messages), payload));
      results.push(await paced(pair, messages, rate, payload));
    } finally {
      await pair.close();
    }
  }
  return results;
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  const payloadBytes = argument('bytes', 256);
  console.log(`bus latency: publish on node A → handler on node B, ${payloadBytes}-byte messages, one process`);
  console.table(await runBusLatencyBench());
}
