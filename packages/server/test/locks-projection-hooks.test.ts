import type { LockStatePayload, MutateReply } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InProcessBusHub } from '../src/fanout/in-process-bus.ts';
import type { RecordSyncHooks } from '../src/records/record-sync-hooks.ts';
import type { Storage } from '../src/storage/storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, type TestNames, testNames } from './fixtures/sync-harness.ts';
import { type ReceivedFrame, type SyncTestClient, sets } from './fixtures/sync-test-client.ts';

const COUPLE = new Set(['carol', 'dave']);
const ANONYMOUS = { userId: 'anonymous', name: 'A team member' };

/**
 * An application with two audiences on one channel: the couple (carol, dave) and the team (ann, bob).
 * Bob edits anonymously (his writes and locks are held as `anon:bob`): the couple sees "A team member",
 * the team sees Bob. Records whose id ends in `-private` are the team's alone: the couple hears of no
 * lock on them. `calls` counts projections per notice, to check they are made once per audience.
 */
function audienceHooks(calls: string[]): RecordSyncHooks {
  const audienceOf = (userId: string) => (COUPLE.has(userId) ? 'couple' : 'team');
  return {
    actorForWrite: ({ session }) =>
      session.user.id === 'bob'
        ? { userId: 'anon:bob', name: 'A team member' }
        : { userId: session.user.id, name: session.user.name },
    audienceKey: (session) => audienceOf(session.user.id),
    projectLockState(lock, session) {
      const audience = audienceOf(session.user.id);
      calls.push(`${audience}:${lock.id}:${lock.holder ? 'held' : 'free'}`);
      const { scope: _scope, ...state } = lock;
      if (audience === 'couple' && lock.id.endsWith('-private')) return undefined;
      if (!state.holder?.userId.startsWith('anon:')) return state;
      const userId = state.holder.userId.slice('anon:'.length);
      return { ...state, holder: audience === 'couple' ? ANONYMOUS : { userId, name: 'Bob' } };
    },
  };
}

const lockOf = (frame: ReceivedFrame) => frame.payload as LockStatePayload;
const lockNotice = (id: string, held: boolean) => (frame: ReceivedFrame) =>
  frame.event === 'lock_state' && lockOf(frame).id === id && (lockOf(frame).holder !== null) === held;

describe('R14.2 R4.1 lock notices are projected per audience (projectLockState)', () => {
  let storage: Storage;
  let hub: InProcessBusHub;
  let nodes: SyncNode[];
  let names: TestNames;
  const calls: string[] = [];

  beforeAll(async () => {
    storage = await memoryStorage();
  });
  afterAll(async () => {
    await storage.close();
  });
  beforeEach(async () => {
    names = testNames();
    calls.length = 0;
    hub = new InProcessBusHub();
    nodes = [];
    for (let i = 0; i < 2; i++) {
      nodes.push(await startSyncNode(storage, { hooks: audienceHooks(calls), bus: hub.createBus() }));
    }
  });
  afterEach(async () => {
    for (const node of nodes) await node.close();
  });

  async function world() {
    const [here, there] = nodes as [SyncNode, SyncNode];
    const bob = await here.connect('bob', 'Bob');
    const ann = await here.connect('ann', 'Ann');
    const carol = await here.connect('carol', 'Carol');
    const dave = await there.connect('dave', 'Dave');
    for (const client of [bob, ann, carol, dave]) await client.join(names.topic);
    for (const id of [names.rid('r1'), names.rid('r-private')]) {
      const reply = await ann.mutate(names.topic, names.cid(`ann-${id}`), [
        { mid: 1, c: 'items', id, base: 0, ops: sets({ [F.title]: 'T' }) },
      ]);
      expect((reply.response as MutateReply).results[0]).toMatchObject({ status: 'applied' });
    }
    return { bob, ann, carol, dave };
  }

  const lock = (client: SyncTestClient, action: string, id: string) =>
    client.request<Record<string, unknown>>(names.topic, 'lock', { action, c: 'items', id, f: F.title });

  it('R14.2 the couple sees "A team member" with an opaque id, on this node and another; the team sees Bob; once per audience', async () => {
    const { bob, ann, carol, dave } = await world();
    const id = names.rid('r1');
    const acquired = await lock(bob, 'acquire', id);
    expect(acquired).toMatchObject({ status: 'ok', response: { holder: { userId: 'bob', name: 'Bob' } } });
    for (const client of [carol, dave]) {
      expect(lockOf(await client.waitFor(lockNotice(id, true))).holder).toEqual(ANONYMOUS);
    }
    for (const client of [ann, bob]) {
      expect(lockOf(await client.waitFor(lockNotice(id, true))).holder).toEqual({ userId: 'bob', name: 'Bob' });
    }
    // One projection per audience on each node (this node: couple + team; the other: couple), none per
    // socket; the team's second is Bob's own reply.
    expect(calls.filter((call) => call === `couple:${id}:held`)).toHaveLength(2);
    expect(calls.filter((call) => call === `team:${id}:held`)).toHaveLength(2);

    await lock(bob, 'release', id);
    for (const client of [carol, dave, ann])
      expect(lockOf(await client.waitFor(lockNotice(id, false))).holder).toBe(null);
    for (const client of [carol, dave]) expect(JSON.stringify(client.frames)).not.toMatch(/bob/i);
  });

  it('R14.2 the locks pushed at join are projected for the joining member', async () => {
    const { bob, ann } = await world();
    const id = names.rid('r1');
    await lock(bob, 'acquire', id);
    await ann.waitFor(lockNotice(id, true));
    const erin = await nodes[1]!.connect('carol', 'Carol');
    const frank = await nodes[0]!.connect('ann', 'Ann');
    await erin.join(names.topic);
    await frank.join(names.topic);
    expect(lockOf(await erin.waitFor(lockNotice(id, true))).holder).toEqual(ANONYMOUS);
    expect(lockOf(await frank.waitFor(lockNotice(id, true))).holder).toEqual({ userId: 'bob', name: 'Bob' });
    expect(JSON.stringify(erin.frames)).not.toMatch(/bob/i);
  });

  it('R14.2 FIELD_LOCKED refusals (of a lock request and of a write) name the holder as the refused audience sees it', async () => {
    const { bob, ann, carol } = await world();
    const id = names.rid('r1');
    await lock(bob, 'acquire', id);
    const refused = await lock(carol, 'acquire', id);
    expect(refused).toMatchObject({ status: 'error', response: { holder: ANONYMOUS } });
    expect(String(refused.response.reason)).toMatch(/^FIELD_LOCKED: A team member/);
    const write = await carol.mutate(names.topic, names.cid('carol'), [
      { mid: 1, c: 'items', id, base: 1, ops: sets({ [F.title]: 'mine' }) },
    ]);
    const result = (write.response as MutateReply).results[0];
    expect(result).toMatchObject({ status: 'rejected', code: 'FIELD_LOCKED', details: { holder: ANONYMOUS } });
    const teamRefusal = await lock(ann, 'acquire', id);
    expect(teamRefusal).toMatchObject({ status: 'error', response: { holder: { userId: 'bob', name: 'Bob' } } });
    expect(String(teamRefusal.response.reason)).toMatch(/^FIELD_LOCKED: Bob is editing/);
    expect(JSON.stringify(carol.frames)).not.toMatch(/bob/i);
  });

  it('R14.2 a lock the projection hides reaches that audience in no notice, join push or refusal', async () => {
    const { bob, ann, carol } = await world();
    const id = names.rid('r-private');
    await lock(bob, 'acquire', id);
    expect(lockOf(await ann.waitFor(lockNotice(id, true))).holder).toEqual({ userId: 'bob', name: 'Bob' });
    const late = await nodes[0]!.connect('dave', 'Dave');
    await late.join(names.topic);
    const refused = await lock(carol, 'acquire', id);
    expect(refused).toMatchObject({ status: 'error' });
    expect(refused.response).not.toHaveProperty('holder');
    const write = await carol.mutate(names.topic, names.cid('carol'), [
      { mid: 1, c: 'items', id, base: 1, ops: sets({ [F.title]: 'mine' }) },
    ]);
    const result = (write.response as MutateReply).results[0] as { details?: Record<string, unknown> };
    expect(result).toMatchObject({ status: 'rejected', code: 'FIELD_LOCKED' });
    expect(result.details ?? {}).not.toHaveProperty('holder');
    await lock(bob, 'release', id);
    await ann.waitFor(lockNotice(id, false));
    for (const client of [carol, late]) {
      expect(client.frames.filter((frame) => frame.event === 'lock_state')).toEqual([]);
      expect(JSON.stringify(client.frames)).not.toMatch(/bob/i);
    }
  });
});
