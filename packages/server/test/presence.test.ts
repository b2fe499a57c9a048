import { afterEach, describe, expect, it } from 'vitest';
import { Harness, type PhxClient, type Received, signToken, until } from './engine-harness.ts';

const harness = new Harness();
afterEach(() => harness.dispose());

const TOPIC = 'realtime:wedding:w1';
const presenceConfig = (key: string) => ({ config: { presence: { key, enabled: true } } });
const track = (payload: Record<string, unknown>) => ({ type: 'presence', event: 'track', payload });
const diffs = (client: PhxClient) => client.frames.filter((frame) => frame.event === 'presence_diff');

/** Summarises a presence_diff as `join:key:status` / `leave:key:status` strings. */
function summary(frame: Received): string[] {
  const out: string[] = [];
  for (const [key, { metas }] of Object.entries<{ metas: Array<{ status?: string }> }>(frame.payload.joins)) {
    for (const meta of metas) out.push(`join:${key}:${meta.status}`);
  }
  for (const [key, { metas }] of Object.entries<{ metas: Array<{ status?: string }> }>(frame.payload.leaves)) {
    for (const meta of metas) out.push(`leave:${key}:${meta.status}`);
  }
  return out;
}

describe('R4.3 presence', () => {
  it('R4.3 join, idle and leave reach the other member in order (scenario 10)', async () => {
    const { wsUrl, server } = await harness.start();
    const ann = await harness.connect(wsUrl, { token: await signToken('ann') });
    const bob = await harness.connect(wsUrl, { token: await signToken('bob') });
    const annJoin = await ann.join(TOPIC, presenceConfig('ann'));
    expect(await ann.waitForEvent(TOPIC, 'presence_state', { includePast: true })).toMatchObject({
      joinRef: annJoin.joinRef,
      payload: {},
    });
    const { joinRef } = await bob.join(TOPIC, presenceConfig('bob'));

    expect((await bob.push(TOPIC, 'presence', track({ status: 'active' }), joinRef)).payload.status).toBe('ok');
    await until(() => diffs(ann).length === 1);
    await bob.push(TOPIC, 'presence', track({ status: 'idle' }), joinRef);
    await until(() => diffs(ann).length === 2);
    await bob.push(TOPIC, 'phx_leave', {}, joinRef);
    await until(() => diffs(ann).length === 3);

    expect(diffs(ann).map(summary)).toEqual([
      ['join:bob:active'],
      ['join:bob:idle', 'leave:bob:active'],
      ['leave:bob:idle'],
    ]);
    const [joined, updated] = diffs(ann);
    const firstRef = joined!.payload.joins.bob.metas[0].phx_ref;
    expect(updated!.payload.joins.bob.metas[0].phx_ref_prev).toBe(firstRef);
    expect(updated!.payload.leaves.bob.metas[0].phx_ref).toBe(firstRef);
    expect(server.stats().memberships).toBe(1);
  });

  it('R4.3 presence_state on join lists current members; a disconnect sends the leave', async () => {
    const { wsUrl } = await harness.start();
    const ann = await harness.connect(wsUrl, { token: await signToken('ann') });
    const { joinRef } = await ann.join(TOPIC, presenceConfig('ann'));
    await ann.push(TOPIC, 'presence', track({ status: 'active', name: 'Ann' }), joinRef);
    const bob = await harness.connect(wsUrl, { token: await signToken('bob') });
    await bob.join(TOPIC, presenceConfig('bob'));
    const state = await bob.waitForEvent(TOPIC, 'presence_state', { includePast: true });
    expect(state.payload.ann.metas).toMatchObject([{ status: 'active', name: 'Ann' }]);

    const leave = bob.waitForEvent(TOPIC, 'presence_diff');
    ann.terminate();
    expect(summary(await leave)).toEqual(['leave:ann:active']);
  });

  it('R4.3 untrack sends a leave; a status other than active/idle is refused', async () => {
    const { wsUrl } = await harness.start();
    const ann = await harness.connect(wsUrl, { token: await signToken('ann') });
    const { joinRef } = await ann.join(TOPIC, presenceConfig('ann'));
    const bad = await ann.push(TOPIC, 'presence', track({ status: 'sleeping' }), joinRef);
    expect(bad.payload.response.reason).toMatch(/^VALIDATION_FAILED: /);
    const notMap = await ann.push(TOPIC, 'presence', { type: 'presence', event: 'track', payload: 'x' }, joinRef);
    expect(notMap.payload.response.reason).toMatch(/^VALIDATION_FAILED: /);
    await ann.push(TOPIC, 'presence', track({ status: 'active' }), joinRef);
    await ann.push(TOPIC, 'presence', { type: 'presence', event: 'untrack' }, joinRef);
    await until(() => diffs(ann).length === 2);
    expect(diffs(ann).map(summary)).toEqual([['join:ann:active'], ['leave:ann:active']]);
  });

  it('R4.3 members without presence enabled get no presence frames', async () => {
    const { wsUrl } = await harness.start();
    const ann = await harness.connect(wsUrl, { token: await signToken('ann') });
    const quiet = await harness.connect(wsUrl, { token: await signToken('bob') });
    await quiet.join(TOPIC);
    const { joinRef } = await ann.join(TOPIC, presenceConfig('ann'));
    await ann.push(TOPIC, 'presence', track({ status: 'active' }), joinRef);
    await until(() => diffs(ann).length === 1);
    expect((await quiet.heartbeat()).payload.status).toBe('ok');
    expect(quiet.frames.filter((frame) => frame.event.startsWith('presence'))).toEqual([]);
  });
});
