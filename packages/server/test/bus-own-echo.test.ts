import { afterEach, describe, expect, it, vi } from 'vitest';
import { ownMessageTest } from '../src/broadcast/bus-messages.ts';
import { InProcessBusHub } from '../src/fanout/in-process-bus.ts';
import { Harness, signToken } from './engine-harness.ts';

const harness = new Harness();
afterEach(async () => {
  vi.restoreAllMocks();
  await harness.dispose();
});

describe('a node skips its own bus echoes before parsing them (issue 9, DESIGN §7)', () => {
  it('recognises its own messages of every kind, and no other node’s', () => {
    const isOwn = ownMessageTest('node-a');
    const own = [
      '{"k":"m","n":"node-a","e":"broadcast","p":{"x":1}}',
      JSON.stringify({ k: 'mb', n: 'node-a', ue: 'u', b64: 'AA==' }),
      JSON.stringify({ k: 'pd', n: 'node-a', j: [], l: [] }),
      JSON.stringify({ k: 'ph', n: 'node-a', s: [] }),
      JSON.stringify({ k: 'ps', n: 'node-a' }),
    ];
    const others = [
      '{"k":"m","n":"node-ab","e":"broadcast","p":{}}',
      '{"k":"m","n":"node-b","e":"broadcast","p":{"n":"node-a"}}',
      JSON.stringify({ k: 'ps', n: 'other', x: ',"n":"node-a"' }),
      '{"n":"node-a","k":"m"}',
      'not json',
      '',
    ];
    expect(own.map(isOwn)).toEqual(own.map(() => true));
    expect(others.map(isOwn)).toEqual(others.map(() => false));
  });

  it('a broadcast reaches the local member once and another node’s member, and the own echo is never parsed', async () => {
    const hub = new InProcessBusHub();
    const a = await harness.start({ bus: hub.createBus('node-a') });
    const b = await harness.start({ bus: hub.createBus('node-b') });
    const onA = await harness.connect(a.wsUrl, { token: await signToken('u1') });
    const onB = await harness.connect(b.wsUrl, { token: await signToken('u2') });
    await onA.join('realtime:wedding:w1');
    await onB.join('realtime:wedding:w1');
    const parse = vi.spyOn(JSON, 'parse');

    await a.server.publishToTopic('wedding:w1', 'note', { text: 'hello' });
    await Promise.all([onA, onB].map((client) => client.waitForEvent('realtime:wedding:w1', 'note')));

    const busMessagesParsed = parse.mock.calls.filter(([text]) => String(text).startsWith('{"k":'));
    expect(busMessagesParsed).toHaveLength(1); // node B's copy; node A's own echo is skipped unparsed
    await onA.join('realtime:wedding:w2'); // a later reply: a duplicate delivery would have arrived before it
    expect(onA.frames.filter((frame) => frame.event === 'note')).toHaveLength(1);
  });
});
