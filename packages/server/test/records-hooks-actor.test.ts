import type { Change, LockStatePayload, MutateReply } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { wireClientId } from '../src/records/client-identity.ts';
import type { RecordSyncHooks } from '../src/records/record-sync-hooks.ts';
import type { Storage } from '../src/storage/storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, type TestNames, testNames } from './fixtures/sync-harness.ts';
import { sets } from './fixtures/sync-test-client.ts';

/** An application that records some people's edits under a tagged actor (R14.2 anonymous mode). */
function taggingHooks(anonymous: Set<string>, seen: { topic: string; scope: string }[] = []): RecordSyncHooks {
  return {
    actorForWrite({ session, topic, scope }) {
      seen.push({ topic, scope });
      const id = session.user.id;
      if (id === 'mallory') return { userId: 'alice', name: 'Alice' };
      return anonymous.has(id)
        ? { userId: `anon:${id}`, name: 'A team member' }
        : { userId: id, name: session.user.name };
    },
  };
}

describe('R14.2 actorForWrite: who a write is recorded as', () => {
  let storage: Storage;
  let node: SyncNode;
  let names: TestNames;
  const anonymous = new Set(['bob']);
  const seen: { topic: string; scope: string }[] = [];
  const errors: unknown[] = [];

  beforeAll(async () => {
    storage = await memoryStorage();
  });
  afterAll(async () => {
    await storage.close();
  });
  beforeEach(async () => {
    names = testNames();
    seen.length = 0;
    errors.length = 0;
    node = await startSyncNode(storage, {
      hooks: taggingHooks(anonymous, seen),
      onError: (error) => errors.push(error),
    });
  });
  afterEach(async () => {
    await node.close();
  });

  it('R14.2 a tagged actor is logged as `by`; the writer still gets its own client id back, so its echo is recognised', async () => {
    const bob = await node.connect('bob', 'Bob');
    const ann = await node.connect('ann', 'Ann');
    await bob.join(names.topic);
    await ann.join(names.topic);
    const reply = await bob.mutate(names.topic, names.cid('bob-tab'), [
      { mid: 1, c: 'items', id: names.rid('r1'), base: 0, ops: sets({ [F.title]: 'secret edit' }) },
    ]);
    const result = (reply.response as MutateReply).results[0];
    expect(result).toMatchObject({ status: 'applied', v: 1 });
    const seq = (result as { seq: number }).seq;
    await bob.waitForSeq(names.topic, seq);
    await ann.waitForSeq(names.topic, seq);
    const echo = bob.changes(names.topic).find((change) => change.seq === seq) as Change;
    expect(echo).toMatchObject({ by: 'anon:bob', cid: names.cid('bob-tab'), mid: 1 });
    expect(ann.changes(names.topic).find((change) => change.seq === seq)?.by).toBe('anon:bob');
    expect((await storage.getRecord('items', names.rid('r1')))?.updatedBy).toBe('anon:bob');
    expect(seen).toEqual([{ topic: names.topic, scope: names.topic }]);

    // Replay protection stays keyed by the person, not the label: the same mid is a duplicate.
    anonymous.delete('bob');
    try {
      const again = await bob.mutate(names.topic, names.cid('bob-tab'), [
        { mid: 1, c: 'items', id: names.rid('r1'), base: 0, ops: sets({ [F.title]: 'secret edit' }) },
      ]);
      expect((again.response as MutateReply).results[0]).toMatchObject({ status: 'duplicate', seq });
    } finally {
      anonymous.add('bob');
    }
  });

  it('R4.1 a lock is held under the same actor: it never blocks its holder’s tagged writes, and blocks others', async () => {
    const bob = await node.connect('bob', 'Bob');
    const ann = await node.connect('ann', 'Ann');
    await bob.join(names.topic);
    await ann.join(names.topic);
    const id = names.rid('r1');
    await ann.mutate(names.topic, names.cid('ann'), [
      { mid: 1, c: 'items', id, base: 0, ops: sets({ [F.title]: 'T' }) },
    ]);
    const lock = await bob.request<LockStatePayload>(names.topic, 'lock', {
      action: 'acquire',
      c: 'items',
      id,
      f: F.title,
    });
    expect(lock).toMatchObject({ status: 'ok', response: { holder: { userId: 'anon:bob', name: 'A team member' } } });

    const own = await bob.mutate(names.topic, names.cid('bob'), [
      { mid: 1, c: 'items', id, base: 1, ops: sets({ [F.title]: 'mine' }) },
    ]);
    expect((own.response as MutateReply).results[0]).toMatchObject({ status: 'applied' });
    const other = await ann.mutate(names.topic, names.cid('ann'), [
      { mid: 2, c: 'items', id, base: 2, ops: sets({ [F.title]: 'theirs' }) },
    ]);
    expect((other.response as MutateReply).results[0]).toMatchObject({ status: 'rejected', code: 'FIELD_LOCKED' });
    const released = await bob.request(names.topic, 'lock', { action: 'release', c: 'items', id, f: F.title });
    expect(released).toMatchObject({ status: 'ok', response: { released: true } });
  });

  it('R14.2 a rollback is recorded under the actor too', async () => {
    const bob = await node.connect('bob', 'Bob');
    await bob.join(names.topic);
    const id = names.rid('r1');
    await bob.mutate(names.topic, names.cid('bob'), [
      { mid: 1, c: 'items', id, base: 0, ops: sets({ [F.title]: 'a' }) },
    ]);
    await bob.mutate(names.topic, names.cid('bob'), [
      { mid: 2, c: 'items', id, base: 1, ops: sets({ [F.title]: 'b' }) },
    ]);
    const rolled = await bob.request(names.topic, 'rollback', { c: 'items', id, to: 1 });
    expect(rolled).toMatchObject({ status: 'ok', response: { v: 3 } });
    expect((await storage.getRecord('items', id))?.updatedBy).toBe('anon:bob');
  });

  it('R14.1 an actor naming another person is refused with SERVER_ERROR and nothing is written', async () => {
    const mallory = await node.connect('mallory', 'Mallory');
    await mallory.join(names.topic);
    const reply = await mallory.mutate(names.topic, names.cid('m'), [
      { mid: 1, c: 'items', id: names.rid('forged'), base: 0, ops: sets({ [F.title]: 'as alice' }) },
    ]);
    expect(reply.status).toBe('error');
    expect(reply.response.reason).toMatch(/^SERVER_ERROR/);
    expect(await storage.getRecord('items', names.rid('forged'))).toBeUndefined();
    expect(String(errors[0])).toMatch(/actorForWrite returned "alice" for user "mallory"/);
  });
});

describe('wireClientId', () => {
  it('R11.2 strips the user key of a plain or tagged writer, and nothing else', () => {
    expect(wireClientId('u1:tab', 'u1')).toBe('tab');
    expect(wireClientId('u1:tab', 'anon:u1')).toBe('tab');
    expect(wireClientId('a:b:tab', 'a:b')).toBe('tab');
    expect(wireClientId('a:b:tab', 'anon:a:b')).toBe('tab');
    expect(wireClientId('u2:tab', 'anon:u1')).toBe('u2:tab');
    expect(wireClientId('system:activity', 'system')).toBe('activity');
  });
});
