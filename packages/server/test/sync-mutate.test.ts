import type { MutationResult } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, testNames } from './fixtures/sync-harness.ts';
import { sets } from './fixtures/sync-test-client.ts';

describe('sync_mutate over the wire', () => {
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
  beforeEach(async () => {
    ({ topic: TOPIC, rid, cid } = testNames());
    node = await startSyncNode(storage, {
      hooks: {
        authorizeMutation: ({ session, mutation }) => {
          if (session.user.id === 'viewer') return { code: 'READ_ONLY', message: 'viewers may not edit' };
          if (mutation.ops.some((op) => op.f === F.count) && session.user.id !== 'owner')
            return { code: 'FORBIDDEN', message: 'count is owner-only' };
          return undefined;
        },
      },
    });
  });
  afterEach(async () => {
    await node.close();
  });

  it('R3.1 acknowledges a mutation only after commit, with its version and seq, and delivers it to members', async () => {
    const writer = await node.connect('owner');
    const reader = await node.connect('reader');
    await writer.join(TOPIC);
    await reader.join(TOPIC);
    const reply = await writer.mutate(TOPIC, cid('c1'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 0, ops: sets({ [F.title]: 'Hello' }) },
    ]);
    expect(reply.status).toBe('ok');
    const [result] = reply.response.results;
    expect(result).toMatchObject({ mid: 1, status: 'applied', v: 1 });
    const { seq } = result as Extract<MutationResult, { status: 'applied' }>;
    // The ack came after commit: the record is in storage with that version and seq.
    expect(await storage.getRecord('items', rid('r1'))).toMatchObject({ v: 1, seq, fields: { [F.title]: 'Hello' } });
    await reader.waitForSeq(TOPIC, seq);
    expect(reader.changes(TOPIC)).toEqual([
      expect.objectContaining({
        seq,
        c: 'items',
        id: rid('r1'),
        v: 1,
        ops: [{ k: 'set', f: F.title, v: 'Hello' }],
        by: 'owner',
        cid: cid('c1'),
        mid: 1,
      }),
    ]);
  });

  it('R11.2 acknowledges a replayed mutation (same clientId and mid) as duplicate and never applies it twice', async () => {
    const writer = await node.connect('owner');
    await writer.join(TOPIC);
    const mutation = {
      mid: 7,
      c: 'items',
      id: rid('r1'),
      base: 0,
      ops: [{ k: 'text' as const, f: F.notes, op: ['hi'] }],
    };
    const first = await writer.mutate(TOPIC, cid('c1'), [mutation]);
    const again = await writer.mutate(TOPIC, cid('c1'), [mutation]);
    expect(first.response.results[0]).toMatchObject({ status: 'applied', v: 1 });
    expect(again.response.results[0]).toMatchObject({ mid: 7, status: 'duplicate' });
    expect((await storage.getRecord('items', rid('r1')))?.fields[F.notes]).toBe('hi');
    expect(await storage.history('items', rid('r1'))).toHaveLength(1);
  });

  it('R14.1 replay protection is per user: another user reusing a seen clientId cannot swallow its mutations', async () => {
    const owner = await node.connect('owner');
    const intruder = await node.connect('intruder');
    await owner.join(TOPIC);
    await intruder.join(TOPIC);
    await intruder.mutate(TOPIC, cid('c1'), [
      { mid: 1_000, c: 'items', id: rid('x'), base: 0, ops: sets({ [F.title]: 'spoof' }) },
    ]);
    const reply = await owner.mutate(TOPIC, cid('c1'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 0, ops: sets({ [F.title]: 'mine' }) },
    ]);
    expect(reply.response.results[0]).toMatchObject({ status: 'applied' });
  });

  it('R15.1 a validation failure of one mutation leaves the others of the batch applied', async () => {
    const writer = await node.connect('owner');
    await writer.join(TOPIC);
    const reply = await writer.request<{ results: MutationResult[] }>(TOPIC, 'sync_mutate', {
      clientId: cid('c1'),
      mutations: [
        { mid: 1, c: 'items', id: rid('a'), base: 0, ops: sets({ [F.title]: 'A' }) },
        { mid: 2, c: 'items', id: rid('b'), base: 0, ops: [{ k: 'explode', f: 1 }] },
        { mid: 3, c: 'nope', id: rid('c'), base: 0, ops: sets({ 1: 'C' }) },
        { mid: 4, c: 'items', id: rid('d'), base: 0, ops: sets({ 99: 'D' }) },
        { mid: 5, c: 'items', id: rid('e'), base: 0, ops: sets({ [F.title]: 'E' }) },
      ],
    });
    expect(reply.status).toBe('ok');
    expect(reply.response.results.map((r) => [r.mid, r.status, 'code' in r ? r.code : undefined])).toEqual([
      [1, 'applied', undefined],
      [2, 'rejected', 'VALIDATION_FAILED'],
      [3, 'rejected', 'UNKNOWN_COLLECTION'],
      [4, 'rejected', 'UNKNOWN_FIELD'],
      [5, 'applied', undefined],
    ]);
    expect(await storage.getRecord('items', rid('e'))).toMatchObject({ fields: { [F.title]: 'E' } });
  });

  it('R15.1 refuses a malformed envelope with VALIDATION_FAILED', async () => {
    const writer = await node.connect('owner');
    await writer.join(TOPIC);
    const reply = await writer.request<{ reason: string }>(TOPIC, 'sync_mutate', { mutations: 'all of them' });
    expect(reply.status).toBe('error');
    expect(reply.response.reason).toMatch(/^VALIDATION_FAILED: /);
  });

  it('R14.2 per-field write rights reject just the forbidden mutation with FORBIDDEN, and viewers with READ_ONLY', async () => {
    const member = await node.connect('member');
    const viewer = await node.connect('viewer');
    await member.join(TOPIC);
    await viewer.join(TOPIC);
    const reply = await member.mutate(TOPIC, cid('m1'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 0, ops: sets({ [F.count]: 3 }) },
      { mid: 2, c: 'items', id: rid('r1'), base: 0, ops: sets({ [F.title]: 'ok' }) },
    ]);
    expect(reply.response.results).toEqual([
      { mid: 1, status: 'rejected', code: 'FORBIDDEN', message: 'count is owner-only' },
      expect.objectContaining({ mid: 2, status: 'applied' }),
    ]);
    const readOnly = await viewer.mutate(TOPIC, cid('v1'), [
      { mid: 1, c: 'items', id: rid('r1'), base: 1, ops: sets({ [F.title]: 'no' }) },
    ]);
    expect(readOnly.response.results[0]).toMatchObject({ status: 'rejected', code: 'READ_ONLY' });
    expect((await storage.getRecord('items', rid('r1')))?.fields).toEqual({ [F.title]: 'ok' });
  });

  it('R3 a mutation on a channel the session did not join is refused (UNMATCHED_TOPIC)', async () => {
    const writer = await node.connect('owner');
    const reply = await writer.mutate('wedding:other', 'c1', [{ mid: 1, c: 'items', id: rid('r1'), base: 0, ops: [] }]);
    expect(reply.status).toBe('error');
    expect(await storage.getRecord('items', rid('r1'))).toBeUndefined();
  });
});
