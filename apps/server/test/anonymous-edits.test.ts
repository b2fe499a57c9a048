import type { Change, ChangesPayload, HistoryEntry, LiveActivityPayload } from '@wedsync/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncTestClient } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { AppCluster, allFrames } from './wiring-fixture.ts';

const TOPIC = 'wedding:w-emma-james';
const TASK = 'task-anonymous-shot-list';

const taskChange = (client: SyncTestClient): Change | undefined =>
  client.changes(TOPIC).find((change) => change.c === 'tasks' && change.id === TASK);
const activityText = (client: SyncTestClient, topic: string): string[] =>
  client.framesOf(topic, 'activity_added').map((frame) => (frame.payload as LiveActivityPayload).text);

// R14.2 anonymous mode through the app: Bob (LensLight) switched anonymous edits on; his edits to Emma
// and James's wedding are logged as anon:u-bob. The couple sees "A team member" everywhere; his team
// sees Bob; Bob's own client still recognises its echo.
describe('R14.2 anonymous mode for sensitive edits', () => {
  let cluster: AppCluster;
  beforeAll(async () => {
    cluster = await AppCluster.start();
    await cluster.serverWrite('directory', 'users', 'u-bob', { anonymousEdits: true });
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('R14.2 the couple sees "A team member", the team sees the editor, the editor recognises its own change', async () => {
    const emma = await cluster.connect('u-emma');
    const sarah = await cluster.connect('u-sarah');
    const bob = await cluster.connect('u-bob');
    for (const client of [emma, sarah, bob]) await client.join(TOPIC);
    await emma.join('couple:c-emma-james');
    await sarah.join('supplier:lenslight');

    const { seq } = await cluster.write(bob, TOPIC, 'tasks', TASK, {
      weddingId: 'w-emma-james',
      supplierId: 'lenslight',
      title: 'Confirm the secret surprise shot list',
      status: 'open',
    });
    for (const client of [emma, sarah, bob]) await client.waitForSeq(TOPIC, seq ?? 0);
    expect(taskChange(emma)).toMatchObject({ by: 'anonymous' });
    expect(taskChange(emma)).not.toHaveProperty('cid');
    expect(taskChange(sarah)).toMatchObject({ by: 'u-bob' });
    expect(taskChange(bob)).toMatchObject({ by: 'u-bob', cid: 'test-SyncTestClient' });
    expect((await cluster.storage.getRecord('tasks', TASK))?.updatedBy).toBe('anon:u-bob');

    // The activity item: text per audience, and the activity record itself.
    const coupleItem = await emma.waitFor((frame) => frame.event === 'activity_added');
    expect((coupleItem.payload as LiveActivityPayload).text).toBe(
      'A team member added the task “Confirm the secret surprise shot list”',
    );
    await sarah.waitFor((frame) => frame.event === 'activity_added');
    expect(activityText(sarah, 'supplier:lenslight')).toEqual([
      'Bob added the task “Confirm the secret surprise shot list”',
    ]);
    const activity = await emma.waitFor(
      (frame) =>
        frame.topic === TOPIC &&
        frame.event === 'sync_changes' &&
        (frame.payload as ChangesPayload).changes.some((change) => change.c === 'activity'),
    );
    expect(JSON.stringify(activity.payload)).toContain('"anonymous"');

    // History of the task, asked by the couple, names nobody either.
    const history = await emma.request<{ entries: HistoryEntry[] }>(TOPIC, 'history', { c: 'tasks', id: TASK });
    expect(history.response.entries.map((entry) => entry.by)).toEqual(['anonymous']);

    // Not one byte of Emma's frames names Bob.
    expect(allFrames(emma)).not.toMatch(/u-bob|Bob/);
  });

  it('R14.2 a partner is never anonymous, and switching the mode off names the editor again', async () => {
    await cluster.serverWrite('directory', 'users', 'u-emma', { anonymousEdits: true });
    await cluster.serverWrite('directory', 'users', 'u-bob', { anonymousEdits: false });
    const emma = await cluster.connect('u-emma');
    const bob = await cluster.connect('u-bob');
    await emma.join(TOPIC);
    await bob.join(TOPIC);
    const mine = await cluster.write(emma, TOPIC, 'tasks', 'task-emma-own', {
      weddingId: 'w-emma-james',
      title: 'Choose the cake',
      status: 'open',
    });
    const named = await cluster.write(bob, TOPIC, 'tasks', TASK, { status: 'done' });
    await emma.waitForSeq(TOPIC, named.seq ?? 0);
    const bySeq = new Map(emma.changes(TOPIC).map((change) => [change.seq, change.by]));
    expect(bySeq.get(mine.seq ?? 0)).toBe('u-emma');
    expect(bySeq.get(named.seq ?? 0)).toBe('u-bob');
  });
});
