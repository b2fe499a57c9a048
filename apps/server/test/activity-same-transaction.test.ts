import type { LiveActivityPayload } from '@wedsync/protocol';
import { activityId } from '@wedsync/wedding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncTestClient } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { AppCluster } from './wiring-fixture.ts';

const WEDDING_TOPIC = 'wedding:w-emma-james';
const texts = (client: SyncTestClient) =>
  client.framesOf('supplier:lenslight', 'activity_added').map((frame) => (frame.payload as LiveActivityPayload).text);

// R6.1 activity for live changes, with two app nodes on one storage and one bus: the activity record
// is derived inside the transaction that commits the change (RecordSyncOptions.derive), so it exists
// the moment the change is acknowledged, has the next seq, and is written once whatever the nodes.
describe('R6.1 activity events are written in the transaction of their change', () => {
  let cluster: AppCluster;
  beforeAll(async () => {
    cluster = await AppCluster.start(2);
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('R6.1 a guest-count change on node A has its activity record at ack time, one seq later, once; node B shows one feed item per audience', async () => {
    const emma = await cluster.connect('u-emma', 0);
    const sarah = await cluster.connect('u-sarah', 1);
    await emma.join(WEDDING_TOPIC);
    await sarah.join('supplier:lenslight');

    const v = (await cluster.versionOf('weddings', 'w-emma-james')) + 1;
    const { seq } = await cluster.write(emma, WEDDING_TOPIC, 'weddings', 'w-emma-james', { guestCount: 150 });
    const id = activityId({ c: 'weddings', id: 'w-emma-james', v }, 0);
    // No waiting on any follower: the record was committed with the change.
    const record = await cluster.storage.getRecord('activity', id);
    expect(record).toMatchObject({ v: 1, seq: (seq ?? 0) + 1, scope: WEDDING_TOPIC, updatedBy: 'system' });
    const logged = await cluster.storage.changesSince([WEDDING_TOPIC], (seq ?? 0) - 1, 1_000);
    expect(logged.slice(0, 2).map((change) => [change.seq, change.c, change.id])).toEqual([
      [seq, 'weddings', 'w-emma-james'],
      [(seq ?? 0) + 1, 'activity', id],
    ]);

    await sarah.waitFor((frame) => frame.event === 'activity_added');
    for (const node of cluster.nodes) {
      await node.follower.catchUp();
      await node.follower.settled();
    }
    const activity = (await cluster.storage.changesSince([WEDDING_TOPIC], seq ?? 0, 1_000)).filter(
      (change) => change.c === 'activity',
    );
    expect(activity.map((change) => change.id)).toEqual([id]);

    // One feed item for the change, even with two nodes: a later change's item follows it, alone.
    await cluster.write(emma, WEDDING_TOPIC, 'weddings', 'w-emma-james', { venue: 'Kew Gardens' });
    await sarah.waitFor((frame) => frame.event === 'activity_added' && /venue/.test(JSON.stringify(frame.payload)));
    expect(texts(sarah)).toEqual(['Emma updated the guest count to 150', 'Emma changed the venue to Kew Gardens']);
  });

  it('R6.1 a change refused by storage writes no activity either (one transaction)', async () => {
    const emma = await cluster.connect('u-emma', 0);
    await emma.join(WEDDING_TOPIC);
    const head = await cluster.storage.headSeq();
    // A base newer than the record is refused inside the transaction: nothing of it is written.
    const reply = await emma.mutate(WEDDING_TOPIC, 'refused-client', [
      { mid: 1, c: 'weddings', id: 'w-emma-james', base: 10_000, ops: cluster.ops('weddings', { guestCount: 1 }) },
    ]);
    expect(JSON.stringify(reply.response)).toContain('VALIDATION_FAILED');
    expect(await cluster.storage.headSeq()).toBe(head);
  });

  it('R6.2 live metrics are rebuilt from the loaded Directory at start', () => {
    for (const node of cluster.nodes) {
      const metrics = node.model.metricsFor('lenslight', Date.now());
      expect(metrics.activeClients).toBe(2);
    }
  });
});
