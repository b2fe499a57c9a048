import { afterEach, describe, expect, it } from 'vitest';
import { Harness, signToken } from './engine-harness.ts';

const harness = new Harness();
afterEach(() => harness.dispose());

const track = (payload: Record<string, unknown>) => ({ type: 'presence', event: 'track', payload });

describe('R4.3 presence state is held only for topics with presence members (issue 9 idle footprint)', () => {
  it('R4.3 a channel without tracked members holds no presence state; tracking adds it, leaving drops it, and state stays right', async () => {
    const { wsUrl, server } = await harness.start();
    const ann = await harness.connect(wsUrl, { token: await signToken('ann') });
    const bob = await harness.connect(wsUrl, { token: await signToken('bob') });
    await ann.join('realtime:user:ann');
    const { joinRef } = await ann.join('realtime:wedding:w1', { config: { presence: { key: 'ann', enabled: true } } });
    expect(server.stats()).toMatchObject({ topics: 2, memberships: 2, presenceTopics: 0 });

    await ann.push('realtime:wedding:w1', 'presence', track({ status: 'active' }), joinRef);
    expect(server.stats().presenceTopics).toBe(1);
    await bob.join('realtime:wedding:w1', { config: { presence: { key: 'bob', enabled: true } } });
    const state = await bob.waitForEvent('realtime:wedding:w1', 'presence_state', { includePast: true });
    expect(Object.keys(state.payload)).toEqual(['ann']);
    expect(state.payload.ann.metas).toMatchObject([{ status: 'active' }]);

    await ann.push('realtime:wedding:w1', 'phx_leave', {}, joinRef);
    expect(server.stats()).toMatchObject({ topics: 2, memberships: 2, presenceTopics: 0 });
  });
});
