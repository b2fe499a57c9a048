import { afterEach, describe, expect, it } from 'vitest';
import type { PresenceContext } from '../src/channels/hooks.ts';
import { Harness, type PhxClient, type Received, signToken, until } from './engine-harness.ts';

const harness = new Harness();
afterEach(() => harness.dispose());

const TOPIC = 'realtime:wedding:w1';
const presenceConfig = (key: string) => ({ config: { presence: { key, enabled: true } } });
const track = (payload: Record<string, unknown>) => ({ type: 'presence', event: 'track', payload });
const diffs = (client: PhxClient) => client.frames.filter((frame) => frame.event === 'presence_diff');

function keys(frame: Received, side: 'joins' | 'leaves'): string[] {
  return Object.keys(frame.payload[side]);
}

/** An application's presence rule: people in `hidden` are not shown; `name` is replaced by the app's. */
function visibilityHooks(hidden: Set<string>, calls: PresenceContext[] = []) {
  return {
    presenceMeta(ctx: PresenceContext) {
      calls.push(ctx);
      if (hidden.has(ctx.session.user.id)) return undefined;
      return { ...ctx.meta, name: `user ${ctx.session.user.id}` };
    },
  };
}

describe('R14.2 presence can be switched off (presenceMeta hook)', () => {
  it('R14.2 a hidden member is answered ok but never appears to others; shown members carry the hook meta', async () => {
    const hidden = new Set(['bob']);
    const calls: PresenceContext[] = [];
    const { wsUrl } = await harness.start({ hooks: visibilityHooks(hidden, calls) });
    const ann = await harness.connect(wsUrl, { token: await signToken('ann') });
    const bob = await harness.connect(wsUrl, { token: await signToken('bob') });
    const carl = await harness.connect(wsUrl, { token: await signToken('carl') });
    const annJoin = await ann.join(TOPIC, presenceConfig('ann'));
    const bobJoin = await bob.join(TOPIC, presenceConfig('bob'));
    const carlJoin = await carl.join(TOPIC, presenceConfig('carl'));

    const bobTrack = await bob.push(TOPIC, 'presence', track({ status: 'active', name: 'Bob' }), bobJoin.joinRef);
    expect(bobTrack.payload.status).toBe('ok');
    expect((await carl.push(TOPIC, 'presence', track({ status: 'active' }), carlJoin.joinRef)).payload.status).toBe(
      'ok',
    );
    await until(() => diffs(ann).length === 1);
    expect(keys(diffs(ann)[0]!, 'joins')).toEqual(['carl']);
    expect(diffs(ann)[0]!.payload.joins.carl.metas[0].name).toBe('user carl');
    expect(calls.find((call) => call.session.user.id === 'bob')).toMatchObject({
      topic: 'wedding:w1',
      meta: { status: 'active', name: 'Bob' },
    });

    // A late joiner's presence_state lists Carl only.
    const dana = await harness.connect(wsUrl, { token: await signToken('dana') });
    await dana.join(TOPIC, presenceConfig('dana'));
    const state = await dana.waitForEvent(TOPIC, 'presence_state', { includePast: true });
    expect(Object.keys(state.payload)).toEqual(['carl']);
    expect(annJoin.payload.status).toBe('ok');
  });

  it('R14.2 switching presence off hides an already tracked member within one presence heartbeat; on again after a re-track', async () => {
    const hidden = new Set<string>();
    const { wsUrl } = await harness.start({ hooks: visibilityHooks(hidden), presenceHeartbeatMs: 20 });
    const ann = await harness.connect(wsUrl, { token: await signToken('ann') });
    const bob = await harness.connect(wsUrl, { token: await signToken('bob') });
    await ann.join(TOPIC, presenceConfig('ann'));
    const { joinRef } = await bob.join(TOPIC, presenceConfig('bob'));
    await bob.push(TOPIC, 'presence', track({ status: 'active' }), joinRef);
    await until(() => diffs(ann).length === 1);
    expect(keys(diffs(ann)[0]!, 'joins')).toEqual(['bob']);

    hidden.add('bob');
    const leave = await ann.waitFor((frame) => frame.event === 'presence_diff' && keys(frame, 'leaves').length > 0);
    expect(keys(leave, 'leaves')).toEqual(['bob']);
    // While hidden, a re-track stays invisible: Carl's later join is the next diff Ann gets.
    await bob.push(TOPIC, 'presence', track({ status: 'idle' }), joinRef);
    const carl = await harness.connect(wsUrl, { token: await signToken('carl') });
    const carlJoin = await carl.join(TOPIC, presenceConfig('carl'));
    await carl.push(TOPIC, 'presence', track({ status: 'active' }), carlJoin.joinRef);
    await until(() => diffs(ann).length === 3);
    expect(keys(diffs(ann)[2]!, 'joins')).toEqual(['carl']);

    hidden.delete('bob');
    await bob.push(TOPIC, 'presence', track({ status: 'active' }), joinRef);
    await until(() => diffs(ann).length === 4);
    expect(keys(diffs(ann)[3]!, 'joins')).toEqual(['bob']);
  });

  it('R14.2 a throwing hook hides the member instead of failing the push', async () => {
    const { wsUrl } = await harness.start({
      hooks: {
        presenceMeta() {
          throw new Error('rights unavailable');
        },
      },
    });
    const ann = await harness.connect(wsUrl, { token: await signToken('ann') });
    const bob = await harness.connect(wsUrl, { token: await signToken('bob') });
    await ann.join(TOPIC, presenceConfig('ann'));
    const { joinRef } = await bob.join(TOPIC, presenceConfig('bob'));
    expect((await bob.push(TOPIC, 'presence', track({ status: 'active' }), joinRef)).payload.status).toBe('ok');
    const carl = await harness.connect(wsUrl, { token: await signToken('carl') });
    await carl.join(TOPIC, presenceConfig('carl'));
    const state = await carl.waitForEvent(TOPIC, 'presence_state', { includePast: true });
    expect(state.payload).toEqual({});
  });
});
