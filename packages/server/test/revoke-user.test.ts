import { parseErrorReason } from '@wedsync/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { InProcessBusHub, type LeaveListenerContext } from '../src/index.ts';
import { Harness, signToken, until } from './engine-harness.ts';

const harness = new Harness();
afterEach(() => harness.dispose());

describe('R2.2 losing a right ends the subscriptions at once', () => {
  it("R2.2 revokeUser closes the user's matching channels with system RIGHTS_REVOKED + phx_close, on every node", async () => {
    const hub = new InProcessBusHub();
    const nodeA = await harness.start({ bus: hub.createBus('node-a') });
    const nodeB = await harness.start({ bus: hub.createBus('node-b') });
    const leaves: LeaveListenerContext[] = [];
    nodeB.server.onLeave((ctx) => leaves.push(ctx));
    const token = await signToken('ann');
    const annOnA = await harness.connect(nodeA.wsUrl, { token });
    const annOnB = await harness.connect(nodeB.wsUrl, { token });
    const bobOnB = await harness.connect(nodeB.wsUrl, { token: await signToken('bob') });
    await annOnA.join('realtime:wedding:w1');
    await annOnA.join('realtime:supplier:s1');
    const annJoin = await annOnB.join('realtime:wedding:w1');
    await bobOnB.join('realtime:wedding:w1');

    await nodeA.server.revokeUser('ann', 'wedding:w1');

    for (const client of [annOnA, annOnB]) {
      const system = await client.waitForEvent('realtime:wedding:w1', 'system', { includePast: true });
      expect(system.payload).toMatchObject({ extension: 'system', status: 'error', channel: 'wedding:w1' });
      expect(parseErrorReason(system.payload.message).code).toBe('RIGHTS_REVOKED');
      await client.waitForEvent('realtime:wedding:w1', 'phx_close', { includePast: true });
    }
    expect(annOnB.frames.find((frame) => frame.event === 'phx_close')).toMatchObject({
      joinRef: annJoin.joinRef,
      ref: annJoin.joinRef,
    });
    await until(() => leaves.length === 1);
    expect(leaves[0]).toMatchObject({ topic: 'wedding:w1', reason: 'revoked', session: { user: { id: 'ann' } } });
    expect(nodeA.server.localMembers('supplier:s1').map((member) => member.user.id)).toEqual(['ann']);
    expect(nodeB.server.localMembers('wedding:w1').map((member) => member.user.id)).toEqual(['bob']);
    const unmatched = await annOnA.push('realtime:wedding:w1', 'broadcast', {
      type: 'broadcast',
      event: 'x',
      payload: {},
    });
    expect(parseErrorReason(unmatched.payload.response).code).toBe('UNMATCHED_TOPIC');
  });

  it('R2.2 a prefix filter ends every matching topic; no filter ends all', async () => {
    const { wsUrl, server } = await harness.start();
    const client = await harness.connect(wsUrl, { token: await signToken('ann') });
    await client.join('realtime:supplier:s1');
    await client.join('realtime:supplier:s1:team');
    await client.join('realtime:couple:c1');
    await server.revokeUser('ann', 'supplier:s1*');
    expect(server.stats().memberships).toBe(1);
    await server.revokeUser('ann');
    expect(server.stats().memberships).toBe(0);
    expect((await client.heartbeat()).payload.status).toBe('ok');
  });
});
