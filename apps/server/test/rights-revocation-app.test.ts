import type { ChangesPayload } from '@wedsync/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedFrame, SyncTestClient } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { AppCluster } from './wiring-fixture.ts';

const EMMA_WEDDING = 'wedding:w-emma-james';
const closedOn = (client: SyncTestClient) =>
  client.frames.filter((frame) => frame.event === 'phx_close').map((frame) => frame.topic);
const closeOf = (topic: string) => (frame: ReceivedFrame) => frame.event === 'phx_close' && frame.topic === topic;
/** The system notice sent just before the close names the reason (Supabase `system` extension). */
const revokedNotice = (client: SyncTestClient, topic: string) =>
  client.waitFor(
    (frame) =>
      frame.event === 'system' &&
      frame.topic === topic &&
      /^RIGHTS_REVOKED/.test(String((frame.payload as { message?: string }).message)),
  );

/**
 * Issue 4 item 2 through the running app (R2.2): a write that removes a team member or disconnects a
 * supplier ends the affected subscriptions at once — on every node, the member's open channels are
 * closed with RIGHTS_REVOKED by the Directory follower (model-follower → revokeUser), nothing of the
 * topic reaches them afterwards, and a rejoin is refused. Channels they keep stay open.
 */
describe('R2.2 losing a right closes the open channels at once, through the app', () => {
  let cluster: AppCluster;
  beforeAll(async () => {
    cluster = await AppCluster.start(2);
  }, 180_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('R2.2 Sarah removes Bob from LensLight: every LensLight, client, form and journey channel of his closes, on the other node too', async () => {
    const sarah = await cluster.connect('u-sarah', 0);
    const bob = await cluster.connect('u-bob', 1);
    const emma = await cluster.connect('u-emma', 0);
    const bobTopics = cluster.nodes[1]!.model.topicsForUser('u-bob').map((grant) => grant.topic);
    expect(bobTopics).toEqual(
      expect.arrayContaining([EMMA_WEDDING, 'supplier:lenslight', 'form:f-lenslight-questionnaire']),
    );
    for (const topic of bobTopics) await bob.join(topic);
    await sarah.join('supplier:lenslight:team');
    await emma.join(EMMA_WEDDING);

    const removed = await sarah.mutate('supplier:lenslight:team', 'sarah-tab', [
      {
        mid: 1,
        c: 'team_members',
        id: 'tm-lenslight-u-bob',
        base: await cluster.versionOf('team_members', 'tm-lenslight-u-bob'),
        ops: [],
        del: true,
      },
    ]);
    expect(removed.response.results[0]).toMatchObject({ status: 'applied' });
    for (const topic of bobTopics) {
      await bob.waitFor(closeOf(topic));
      await revokedNotice(bob, topic);
    }
    expect(closedOn(bob).sort()).toEqual([...bobTopics].sort());

    // Nothing of Emma's wedding reaches him any more, and he cannot come back.
    const afterClose = bob.frames.length;
    const { seq } = await cluster.write(emma, EMMA_WEDDING, 'weddings', 'w-emma-james', { venue: 'Revoked Hall' });
    await emma.waitForSeq(EMMA_WEDDING, seq ?? 0);
    expect((await bob.request('phoenix', 'heartbeat', {})).status).toBe('ok');
    expect(
      bob.frames
        .slice(afterClose)
        .filter((f) => f.event === 'sync_changes' && (f.payload as ChangesPayload).changes.length > 0),
    ).toEqual([]);
    expect(JSON.stringify(bob.frames.slice(afterClose))).not.toContain('Revoked Hall');
    const rejoin = await bob.request<{ reason: string }>(EMMA_WEDDING, 'phx_join', {});
    expect(rejoin.status).toBe('error');
    expect(rejoin.response.reason).toMatch(/^FORBIDDEN/);
    // Sarah, who kept her rights, still has her channel.
    expect(closedOn(sarah)).toEqual([]);
  });

  it('R2.2 Emma disconnects Feast: Olivia loses the wedding channel, the couple loses the Feast form channel, both keep the rest', async () => {
    const emma = await cluster.connect('u-emma', 0);
    const olivia = await cluster.connect('u-olivia', 1);
    for (const topic of [EMMA_WEDDING, 'form:f-feast-menu', 'couple:c-emma-james']) await emma.join(topic);
    for (const topic of [EMMA_WEDDING, 'supplier:feast', 'form:f-feast-menu']) await olivia.join(topic);

    await cluster.write(emma, EMMA_WEDDING, 'connections', 'conn-w-emma-james-feast', { status: 'ended' });
    await olivia.waitFor(closeOf(EMMA_WEDDING));
    await revokedNotice(olivia, EMMA_WEDDING);
    await emma.waitFor(closeOf('form:f-feast-menu'));
    await revokedNotice(emma, 'form:f-feast-menu');
    // A later change on each side proves the kept channels are still open.
    const { seq } = await cluster.write(emma, EMMA_WEDDING, 'weddings', 'w-emma-james', { venue: 'After Feast Hall' });
    await emma.waitForSeq(EMMA_WEDDING, seq ?? 0);
    expect((await olivia.request('phoenix', 'heartbeat', {})).status).toBe('ok');
    expect(closedOn(olivia)).toEqual([EMMA_WEDDING]);
    expect(closedOn(emma)).toEqual(['form:f-feast-menu']);
    expect(JSON.stringify(olivia.frames)).not.toContain('After Feast Hall');
    const rejoin = await olivia.request<{ reason: string }>(EMMA_WEDDING, 'phx_join', {});
    expect(rejoin.response.reason).toMatch(/^FORBIDDEN/);
  });
});
