import type { LockStatePayload, MutateReply } from '@wedsync/protocol';
import { fieldIdOf } from '@wedsync/wedding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedFrame, SyncTestClient } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { AppCluster, allFrames } from './wiring-fixture.ts';

const TOPIC = 'wedding:w-emma-james';
const COUPLE_TOPIC = 'couple:c-emma-james';
const NOTE = 'note-emma-shotlist';
const TITLE = fieldIdOf('notes', 'title');
const ANONYMOUS = { userId: 'anonymous', name: 'A team member' };

const lockOf = (frame: ReceivedFrame) => frame.payload as LockStatePayload;
const noteLock =
  (held: boolean, topic = TOPIC) =>
  (frame: ReceivedFrame) =>
    frame.topic === topic &&
    frame.event === 'lock_state' &&
    lockOf(frame).id === NOTE &&
    (lockOf(frame).holder !== null) === held;
const lockRequest = (client: SyncTestClient, action: string) =>
  client.request<Record<string, unknown>>(TOPIC, 'lock', { action, c: 'notes', id: NOTE, f: TITLE });

// R14.2 anonymous mode through the app, for locks (R4.1): Bob (LensLight) edits anonymously, so the
// lock he takes on a note of Emma and James's wedding is held as anon:u-bob. The couple sees "A team
// member" in every lock_state (live and at join) and in every refusal; his team sees Bob; Feast hears
// nothing of a lock on LensLight's note.
describe('R14.2 anonymous mode: lock notices', () => {
  let cluster: AppCluster;
  beforeAll(async () => {
    cluster = await AppCluster.start();
    await cluster.serverWrite('directory', 'users', 'u-bob', { anonymousEdits: true });
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('R14.2 the couple sees "A team member" holding the lock, the team sees Bob, another supplier sees nothing', async () => {
    const emma = await cluster.connect('u-emma');
    const sarah = await cluster.connect('u-sarah');
    const bob = await cluster.connect('u-bob');
    const olivia = await cluster.connect('u-olivia');
    for (const client of [emma, sarah, bob, olivia]) await client.join(TOPIC);
    await emma.join(COUPLE_TOPIC);
    const bobName = cluster.nodes[0]!.model.directory.displayName('u-bob');

    const acquired = await lockRequest(bob, 'acquire');
    expect(acquired).toMatchObject({ status: 'ok', response: { holder: { userId: 'u-bob', name: bobName } } });
    for (const topic of [TOPIC, COUPLE_TOPIC]) {
      expect(lockOf(await emma.waitFor(noteLock(true, topic))).holder).toEqual(ANONYMOUS);
    }
    expect(lockOf(await sarah.waitFor(noteLock(true))).holder).toEqual({ userId: 'u-bob', name: bobName });

    // A partner joining now gets the current lock, projected.
    const james = await cluster.connect('u-james');
    await james.join(TOPIC);
    expect(lockOf(await james.waitFor(noteLock(true))).holder).toEqual(ANONYMOUS);

    // Refusals name "A team member" too: a lock request and a write of the locked field.
    const refused = await lockRequest(emma, 'acquire');
    expect(refused).toMatchObject({ status: 'error', response: { holder: ANONYMOUS } });
    const write = await emma.mutate(TOPIC, 'emma-tab', [
      {
        mid: 1,
        c: 'notes',
        id: NOTE,
        base: await cluster.versionOf('notes', NOTE),
        ops: cluster.ops('notes', { title: 'Our list' }),
      },
    ]);
    expect((write.response as MutateReply).results[0]).toMatchObject({
      status: 'rejected',
      code: 'FIELD_LOCKED',
      details: { holder: ANONYMOUS },
    });

    await lockRequest(bob, 'release');
    for (const client of [emma, james, sarah]) await client.waitFor(noteLock(false));
    for (const client of [emma, james]) expect(allFrames(client)).not.toMatch(/u-bob|anon:|Bob/);
    expect(olivia.frames.filter((frame) => frame.event === 'lock_state')).toEqual([]);
    expect(allFrames(olivia)).not.toContain(NOTE);
  });
});
