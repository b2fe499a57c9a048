/**
 * Microbenchmark: CPU cost per broadcast of what a single node does besides writing frames — the
 * payload JSON, the bus message, and parsing its own bus echo (the in-process bus hands every
 * message back to the publishing node too, which parses it only to drop it). Variants:
 *   1. before 2231ed1: payload stringified for the frames, the whole bus message stringified again, echo parsed;
 *   2. before issue 9's echo skip: bus message built around the frames' payload JSON (serialised once), echo parsed;
 *   3. now: as 2, and the own echo recognised by `ownMessageTest` (bus-messages.ts) before JSON.parse.
 * Run: `node --import tsx bench/micro/bus-echo-cost.ts [--count 200000]`
 */
import { ownMessageTest, parseBusMessage } from '../../packages/server/src/broadcast/bus-messages.ts';
import { InProcessBusHub } from '../../packages/server/src/fanout/in-process-bus.ts';

const countIndex = process.argv.indexOf('--count');
const count = countIndex > 0 ? Number(process.argv[countIndex + 1]) : 200_000;
const nodeId = 'node-a';
const exclude = 'a1b2c3d4-0000-4000-8000-000000000000';
const payload = { type: 'broadcast', event: 'm', payload: { bt: 1234567890123, p: 'x'.repeat(174) } };
const isOwnMessage = ownMessageTest(nodeId);

async function busWith(skipOwnEcho: boolean) {
  const bus = new InProcessBusHub().createBus(nodeId);
  await bus.subscribe('rt:topic:x', (text) => {
    if (skipOwnEcho && isOwnMessage(text)) return;
    const message = parseBusMessage<{ k: string; n: string }>(text);
    if (message?.n === nodeId) return;
  });
  return bus;
}

/** CPU µs per call of `publishOne`, after a warm-up, yielding every 1,000 calls so echoes are handled. */
async function measure(label: string, publishOne: () => void): Promise<void> {
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      publishOne();
      if (i % 1_000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => setImmediate(resolve));
  };
  await run(20_000);
  const start = process.cpuUsage();
  await run(count);
  const used = process.cpuUsage(start);
  console.log(`${label.padEnd(62)} ${((used.user + used.system) / count).toFixed(2)} µs CPU per broadcast`);
}

const parsing = await busWith(false);
const skipping = await busWith(true);
await measure('payload JSON only (needed for the frames anyway)', () => void JSON.stringify(payload));
await measure('1. before: payload + bus message stringified, echo parsed', () => {
  JSON.stringify(payload);
  void parsing.publish('rt:topic:x', JSON.stringify({ k: 'm', n: nodeId, e: 'broadcast', p: payload, x: exclude }));
});
await measure('2. before the echo skip: serialised once, echo parsed', () => {
  const json = JSON.stringify(payload);
  void parsing.publish('rt:topic:x', `{"k":"m","n":"${nodeId}","e":"broadcast","p":${json},"x":"${exclude}"}`);
});
await measure('3. now: serialised once, own echo skipped before parse', () => {
  const json = JSON.stringify(payload);
  void skipping.publish('rt:topic:x', `{"k":"m","n":"${nodeId}","e":"broadcast","p":${json},"x":"${exclude}"}`);
});
await Promise.all([parsing.close(), skipping.close()]);
