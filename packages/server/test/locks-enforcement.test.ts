import type { LockStatePayload } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, testNames } from './fixtures/sync-harness.ts';
import { type ReceivedFrame, type SyncTestClient, sets } from './fixtures/sync-test-client.ts';

const lockOf = (frame: ReceivedFrame) => frame.payload as LockStatePayload;
const freed = (f?: number) => (frame: ReceivedFrame) =>
  frame.event === 'lock_state' && lockOf(frame).holder === null && (f === undefined || lockOf(frame).f === f);

describe('field and record locks', () => {
  let storage: Storage;
  let node: SyncNode;
  let TOPIC: string;
  let rid: (name: string) => string;
  let cid: (name: string) => string;

  beforeAll(async () => {
    storage = await memoryStorage();
  });
  afterAll(async () => {
    await storage.close();
  });
  let clockMs: number;
  let alice: SyncTestClient;
  let bob: SyncTestClient;

  beforeEach(async () => {
    clockMs = Date.parse('2025-05-01T10:00:00Z');
    ({ topic: TOPIC, rid, cid } = testNames());
    node = await startSyncNode(storage, { nowMs: () => clockMs, lockTtlMs: 30_000, lockSweepIntervalMs: 25 });
    alice = await node.connect('alice', 'Alice');
    bob = await node.connect('bob', 'Bob');
    await alice.join(TOPIC);
    await bob.join(TOPIC);
    await alice.mutate(TOPIC, cid('ca'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 0, ops: sets({ [F.title]: 'T' }) },
    ]);
  });
  afterEach(async () => {
    await node.close();
  });

  it('R4.1 a field lock blocks another user’s write with FIELD_LOCKED naming the holder; the holder may write', async () => {
    const acquired = await alice.request<LockStatePayload>(TOPIC, 'lock', {
      action: 'acquire',
      c: 'items',
      id: rid('r1'),
      f: F.title,
    });
    expect(acquired).toMatchObject({
      status: 'ok',
      response: { c: 'items', id: rid('r1'), f: F.title, holder: { userId: 'alice', name: 'Alice' } },
    });
    const notice = await bob.waitFor((frame) => frame.event === 'lock_state');
    expect(lockOf(notice)).toEqual({
      c: 'items',
      id: rid('r1'),
      f: F.title,
      holder: { userId: 'alice', name: 'Alice' },
      expiresAt: '2025-05-01T10:00:30.000Z',
    });

    const blocked = await bob.mutate(TOPIC, cid('cb'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 1, ops: sets({ [F.title]: 'Bob was here' }) },
    ]);
    const result = blocked.response.results[0];
    expect(result).toMatchObject({ status: 'rejected', code: 'FIELD_LOCKED' });
    expect(JSON.stringify(result)).toContain('Alice');
    const other = await bob.mutate(TOPIC, cid('cb'), [
      { mid: 2, c: 'items', id: rid('r1'), base: 1, ops: sets({ [F.count]: 2 }) },
    ]);
    expect(other.response.results[0]?.status).toBe('applied');

    const refused = await bob.request<{ reason: string; holder: unknown }>(TOPIC, 'lock', {
      action: 'acquire',
      c: 'items',
      id: rid('r1'),
      f: F.title,
    });
    expect(refused.status).toBe('error');
    expect(refused.response.reason).toBe('FIELD_LOCKED: Alice is editing this');
    expect(refused.response.holder).toEqual({ userId: 'alice', name: 'Alice' });

    const own = await alice.mutate(TOPIC, cid('ca'), [
      { mid: 2, c: 'items', id: rid('r1'), base: 2, ops: sets({ [F.title]: 'Alice edit' }) },
    ]);
    expect(own.response.results[0]?.status).toBe('applied');
  });

  it('R10.2 a record lock prevents another user’s edit of any field (RECORD_LOCKED)', async () => {
    await alice.request(TOPIC, 'lock', { action: 'acquire', c: 'items', id: rid('r1') });
    const blocked = await bob.mutate(TOPIC, cid('cb'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 1, ops: sets({ [F.count]: 1 }) },
    ]);
    expect(blocked.response.results[0]).toMatchObject({ status: 'rejected', code: 'RECORD_LOCKED' });
  });

  it('R4.1 the holder’s disconnect frees the lock: members get lock_state holder null and may write', async () => {
    await alice.request(TOPIC, 'lock', { action: 'acquire', c: 'items', id: rid('r1'), f: F.title });
    await bob.waitFor((frame) => frame.event === 'lock_state');
    await alice.close();
    await bob.waitFor(freed(F.title));
    const write = await bob.mutate(TOPIC, cid('cb'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 1, ops: sets({ [F.title]: 'mine now' }) },
    ]);
    expect(write.response.results[0]?.status).toBe('applied');
  });

  it('R4.1 leaving the channel frees the locks taken through it', async () => {
    await alice.request(TOPIC, 'lock', { action: 'acquire', c: 'items', id: rid('r1'), f: F.title });
    await alice.leave(TOPIC);
    await bob.waitFor(freed(F.title));
    expect(await storage.locksIn(TOPIC, clockMs)).toEqual([]);
  });

  it('R4.1 release on save/blur announces the free field; renew extends only one’s own lock', async () => {
    await alice.request(TOPIC, 'lock', { action: 'acquire', c: 'items', id: rid('r1'), f: F.title });
    clockMs += 20_000;
    const renewed = await alice.request<LockStatePayload>(TOPIC, 'lock', {
      action: 'renew',
      c: 'items',
      id: rid('r1'),
      f: F.title,
    });
    expect(renewed.response.expiresAt).toBe('2025-05-01T10:00:50.000Z');
    const stolen = await bob.request<{ reason: string }>(TOPIC, 'lock', {
      action: 'renew',
      c: 'items',
      id: rid('r1'),
      f: F.title,
    });
    expect(stolen.response.reason).toMatch(/^(LOCK_NOT_HELD|FIELD_LOCKED)/);
    const released = await alice.request(TOPIC, 'lock', { action: 'release', c: 'items', id: rid('r1'), f: F.title });
    expect(released).toEqual({ status: 'ok', response: { released: true } });
    await bob.waitFor(freed(F.title));
  });

  it('R4.1 an unrenewed lock times out: the sweep frees it and tells members', async () => {
    await alice.request(TOPIC, 'lock', { action: 'acquire', c: 'items', id: rid('r1'), f: F.title });
    clockMs += 30_001;
    await bob.waitFor(freed(F.title));
    const write = await bob.mutate(TOPIC, cid('cb'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 1, ops: sets({ [F.title]: 'after timeout' }) },
    ]);
    expect(write.response.results[0]?.status).toBe('applied');
  });

  it('R4.1 a member joining later is told the current locks of the channel', async () => {
    await alice.request(TOPIC, 'lock', { action: 'acquire', c: 'items', id: rid('r1'), f: F.title });
    const carol = await node.connect('carol');
    await carol.join(TOPIC);
    const notice = await carol.waitFor((frame) => frame.event === 'lock_state');
    expect(lockOf(notice).holder).toEqual({ userId: 'alice', name: 'Alice' });
  });

  it('R15.1 a malformed lock request gets VALIDATION_FAILED', async () => {
    const reply = await alice.request<{ reason: string }>(TOPIC, 'lock', {
      action: 'steal',
      c: 'items',
      id: rid('r1'),
    });
    expect(reply.status).toBe('error');
    expect(reply.response.reason).toMatch(/^VALIDATION_FAILED/);
  });
});
