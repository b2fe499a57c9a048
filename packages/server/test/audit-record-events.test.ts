import type { MutationResult } from '@wedsync/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../src/audit/audit-sink.ts';
import { AuditTrail } from '../src/audit/audit-trail.ts';
import { MemoryAuditStore } from '../src/audit/memory-audit-store.ts';
import type { Storage } from '../src/storage/storage.ts';
import { F, memoryStorage, type SyncNode, startSyncNode, type TestNames, testNames } from './fixtures/sync-harness.ts';
import { sets } from './fixtures/sync-test-client.ts';

const seqOf = (result: MutationResult | undefined) => (result as Extract<MutationResult, { status: 'applied' }>).seq;

describe('R14.1 audit trail of record sync events', () => {
  let storage: Storage;
  let node: SyncNode;
  let store: MemoryAuditStore;
  let trail: AuditTrail;
  let names: TestNames;
  let clockMs: number;

  beforeAll(async () => {
    storage = await memoryStorage();
  });
  afterAll(() => storage.close());
  afterEach(async () => {
    await node.close();
    await trail.close();
  });

  async function start(appliedChangesFromLog = false) {
    names = testNames();
    clockMs = Date.now();
    store = new MemoryAuditStore();
    trail = new AuditTrail({
      store,
      flushIntervalMs: 5,
      appliedChangesFromLog,
      tenantOf: ({ topic, scope }) => (topic ?? scope ?? null) && `tenant-of:${topic ?? scope}`,
    });
    node = await startSyncNode(storage, {
      audit: trail,
      nowMs: () => clockMs,
      lockTtlMs: 1_000,
      lockSweepIntervalMs: 3_600_000,
      hooks: {
        authorizeMutation: ({ session }) =>
          session.user.id === 'viewer' ? { code: 'READ_ONLY', message: 'viewers may not write' } : undefined,
      },
    });
  }

  const of = (kind: AuditEvent['kind'], actor: string) => (event: AuditEvent) =>
    event.kind === kind && event.actor === actor;

  it('R14.1 mutation applied and mutation refused (with code), with actor, tenant, topic and record', async () => {
    await start();
    const alice = await node.connect('alice');
    const viewer = await node.connect('viewer');
    await alice.join(names.topic);
    await viewer.join(names.topic);
    const rid = names.rid('r1');
    const applied = await alice.mutate(names.topic, names.cid('a'), [
      { mid: 1, c: 'items', id: rid, base: 0, ops: sets({ [F.title]: 'Hello' }) },
      { mid: 2, c: 'nope', id: rid, base: 0, ops: sets({ [F.title]: 'x' }) },
    ]);
    const refused = await viewer.mutate(names.topic, names.cid('v'), [
      { mid: 1, c: 'items', id: rid, base: 1, ops: sets({ [F.title]: 'Mine' }) },
    ]);
    expect(refused.response.results[0]).toMatchObject({ status: 'rejected', code: 'READ_ONLY' });
    await trail.flush();
    expect(store.all(of('mutation_applied', 'alice'))).toEqual([
      expect.objectContaining({
        topic: names.topic,
        tenant: `tenant-of:${names.topic}`,
        c: 'items',
        recordId: rid,
        node: node.server.nodeId,
        details: { mid: 1, v: 1, seq: seqOf(applied.response.results[0]) },
      }),
    ]);
    expect(store.all(of('mutation_refused', 'alice'))).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_COLLECTION', c: 'nope', details: { mid: 2 } }),
    ]);
    expect(store.all(of('mutation_refused', 'viewer'))).toEqual([
      expect.objectContaining({ code: 'READ_ONLY', recordId: rid, tenant: `tenant-of:${names.topic}` }),
    ]);
    const badBatch = await viewer.mutate(names.topic, '', []);
    expect(badBatch.status).toBe('error');
    await trail.flush();
    expect(store.all(of('mutation_refused', 'viewer')).map((event) => event.code)).toEqual([
      'READ_ONLY',
      'VALIDATION_FAILED',
    ]);
  });

  it('R14.1 conflict raised on a manual field, and resolved when that user writes the field again', async () => {
    await start();
    const alice = await node.connect('alice');
    const bob = await node.connect('bob');
    await alice.join(names.topic);
    await bob.join(names.topic);
    const rid = names.rid('r2');
    await alice.mutate(names.topic, names.cid('a'), [
      { mid: 1, c: 'items', id: rid, base: 0, ops: sets({ [F.date]: '2026-06-01' }) },
    ]);
    await alice.mutate(names.topic, names.cid('a'), [
      { mid: 2, c: 'items', id: rid, base: 1, ops: sets({ [F.date]: '2026-06-02' }) },
    ]);
    const clash = await bob.mutate(names.topic, names.cid('b'), [
      { mid: 1, c: 'items', id: rid, base: 1, ops: sets({ [F.date]: '2026-07-01' }) },
    ]);
    expect(clash.response.results[0]?.status).toBe('conflict');
    const resolved = await bob.mutate(names.topic, names.cid('b'), [
      { mid: 2, c: 'items', id: rid, base: 2, ops: sets({ [F.date]: '2026-07-01' }) },
    ]);
    expect(resolved.response.results[0]?.status).toBe('applied');
    await trail.flush();
    expect(store.all(of('conflict_raised', 'bob'))).toEqual([
      expect.objectContaining({ c: 'items', recordId: rid, details: expect.objectContaining({ f: F.date }) }),
    ]);
    expect(store.all(of('conflict_resolved', 'bob'))).toEqual([
      expect.objectContaining({ c: 'items', recordId: rid, details: expect.objectContaining({ f: F.date }) }),
    ]);
    expect(store.all(of('conflict_raised', 'alice'))).toEqual([]);
  });

  it('R14.1 lock taken, lock refused (code, holder) and lock expired', async () => {
    await start();
    const alice = await node.connect('alice');
    const bob = await node.connect('bob');
    await alice.join(names.topic);
    await bob.join(names.topic);
    const rid = names.rid('r3');
    const lock = { action: 'acquire', c: 'items', id: rid, f: F.title };
    expect((await alice.request(names.topic, 'lock', lock)).status).toBe('ok');
    expect((await bob.request(names.topic, 'lock', lock)).status).toBe('error');
    clockMs += 5_000;
    await node.sync.sweepLocks();
    await trail.flush();
    expect(store.all(of('lock_taken', 'alice'))).toEqual([
      expect.objectContaining({ topic: names.topic, c: 'items', recordId: rid, details: { action: 'acquire', f: 1 } }),
    ]);
    expect(store.all(of('lock_refused', 'bob'))).toEqual([
      expect.objectContaining({ code: 'FIELD_LOCKED', details: { action: 'acquire', f: 1, holder: 'alice' } }),
    ]);
    const expired = store.all(of('lock_expired', 'alice'));
    expect(expired).toEqual([expect.objectContaining({ c: 'items', recordId: rid, details: { f: 1 } })]);
    expect(expired[0]?.tenant).toMatch(/^tenant-of:/);
  });

  it('R14.1 rollback, and server-side writes under their actor and scope', async () => {
    await start();
    const alice = await node.connect('alice');
    await alice.join(names.topic);
    const rid = names.rid('r4');
    await alice.mutate(names.topic, names.cid('a'), [
      { mid: 1, c: 'items', id: rid, base: 0, ops: sets({ [F.title]: 'one' }) },
      { mid: 2, c: 'items', id: rid, base: 1, ops: sets({ [F.title]: 'two' }) },
    ]);
    const rollback = await alice.request<{ v: number; seq: number }>(names.topic, 'rollback', {
      c: 'items',
      id: rid,
      to: 1,
    });
    expect(rollback.status).toBe('ok');
    await node.sync.commit({
      clientId: 'journeys',
      actor: { userId: 'system', name: 'WedSync' },
      scope: names.topic,
      mutations: [{ mid: 1, c: 'items', id: rid, base: 3, ops: sets({ [F.count]: 3 }) }],
    });
    await trail.flush();
    expect(store.all(of('rollback', 'alice'))).toEqual([
      expect.objectContaining({
        topic: names.topic,
        recordId: rid,
        details: { to: 1, v: rollback.response.v, seq: rollback.response.seq },
      }),
    ]);
    expect(store.all(of('mutation_applied', 'system'))).toEqual([
      expect.objectContaining({ scope: names.topic, tenant: `tenant-of:${names.topic}`, recordId: rid }),
    ]);
  });

  it('R14.1 with a trail that takes applied changes from the change log, record sync emits none, but still conflicts', async () => {
    await start(true);
    const alice = await node.connect('alice');
    await alice.join(names.topic);
    const rid = names.rid('r5');
    await alice.mutate(names.topic, names.cid('a'), [
      { mid: 1, c: 'items', id: rid, base: 0, ops: sets({ [F.date]: '2026-01-01' }) },
      { mid: 2, c: 'items', id: rid, base: 0, ops: sets({ [F.date]: '2026-01-02' }) },
    ]);
    const other = await node.connect('bob');
    await other.join(names.topic);
    const clash = await other.mutate(names.topic, names.cid('b'), [
      { mid: 1, c: 'items', id: rid, base: 1, ops: sets({ [F.date]: '2026-02-02' }) },
    ]);
    expect(clash.response.results[0]?.status).toBe('conflict');
    expect((await alice.request(names.topic, 'rollback', { c: 'items', id: rid, to: 1 })).status).toBe('ok');
    await trail.flush();
    expect(store.all((event) => event.kind === 'mutation_applied' || event.kind === 'rollback')).toEqual([]);
    expect(store.all(of('conflict_raised', 'bob'))).toHaveLength(1);
  });
});
