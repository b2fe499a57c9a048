import type { LiveActivityPayload } from '@wedsync/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncTestClient } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { activityMid } from '../src/derived-activity.ts';
import { AppCluster } from './wiring-fixture.ts';

const WEDDING_TOPIC = 'wedding:w-emma-james';
const texts = (client: SyncTestClient) =>
  client.framesOf('supplier:lenslight', 'activity_added').map((frame) => (frame.payload as LiveActivityPayload).text);

// R6.1 activity for live changes, with two app nodes on one storage and one bus: every node follows the
// log and describes each change, and both write its activity record under one server client id with
// mid = f(seq); storage applies one and answers the other `duplicate`.
describe('R6.1 activity events are written once across nodes', () => {
  let cluster: AppCluster;
  beforeAll(async () => {
    cluster = await AppCluster.start(2);
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('R6.1 a guest-count change on node A gives one activity record and one feed item per audience on node B', async () => {
    const emma = await cluster.connect('u-emma', 0);
    const sarah = await cluster.connect('u-sarah', 1);
    await emma.join(WEDDING_TOPIC);
    await sarah.join('supplier:lenslight');

    const { seq } = await cluster.write(emma, WEDDING_TOPIC, 'weddings', 'w-emma-james', { guestCount: 150 });
    const id = `act-${seq}-0`;
    await sarah.waitFor((frame) => frame.event === 'activity_added');
    for (const node of cluster.nodes) {
      await node.follower.catchUp();
      await node.follower.settled();
      await node.activity.settled();
    }
    const record = await cluster.storage.getRecord('activity', id);
    expect(record).toMatchObject({ v: 1, scope: WEDDING_TOPIC, updatedBy: 'system' });
    const logged = (await cluster.storage.changesSince([WEDDING_TOPIC], seq ?? 0, 1_000)).filter(
      (change) => change.c === 'activity' && change.id === id,
    );
    expect(logged).toHaveLength(1);
    const stats = cluster.nodes.map((node) => node.activity.stats);
    expect(stats.reduce((sum, s) => sum + s.applied, 0)).toBe(1);
    expect(stats.reduce((sum, s) => sum + s.duplicate, 0)).toBe(1);
    expect(await cluster.storage.lastMutationId('system:activity')).toBe(activityMid(seq ?? 0, 0));

    // One feed item for the change, even with two nodes: a later change's item follows it, alone.
    await cluster.write(emma, WEDDING_TOPIC, 'weddings', 'w-emma-james', { venue: 'Kew Gardens' });
    await sarah.waitFor((frame) => frame.event === 'activity_added' && /venue/.test(JSON.stringify(frame.payload)));
    expect(texts(sarah)).toEqual(['Emma updated the guest count to 150', 'Emma changed the venue to Kew Gardens']);
  });

  it('R6.2 live metrics are rebuilt from the loaded Directory at start', () => {
    for (const node of cluster.nodes) {
      const metrics = node.model.metricsFor('lenslight', Date.now());
      expect(metrics.activeClients).toBe(2);
    }
  });
});
