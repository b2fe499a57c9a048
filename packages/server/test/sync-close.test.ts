import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InProcessBusHub } from '../src/fanout/in-process-bus.ts';
import { createRealtimeServer } from '../src/realtime-server.ts';
import { attachRecordSync } from '../src/records/record-sync.ts';
import type { Storage } from '../src/storage/storage.ts';
import { memoryStorage, startSyncNode, TEST_SCHEMAS, testNames } from './fixtures/sync-harness.ts';
import { TEST_JWT_SECRET } from './fixtures/sync-test-client.ts';

describe('record sync lifecycle', () => {
  let storage: Storage;

  beforeAll(async () => {
    storage = await memoryStorage();
  });
  afterAll(async () => {
    await storage.close();
  });

  it('impossible failure "leaked timers": close() releases every timer and bus subscription record sync made', async () => {
    const hub = new InProcessBusHub();
    const bus = hub.createBus();
    const server = await createRealtimeServer({ jwtSecret: TEST_JWT_SECRET, bus });
    const subjectsBefore = new Set(hub.subscribers.keys());
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const sync = await attachRecordSync(server, { storage, schemas: TEST_SCHEMAS });
      expect(vi.getTimerCount()).toBe(3); // safety poll, lock sweep, log pruning: one each per server
      const added = [...hub.subscribers.keys()].filter((subject) => !subjectsBefore.has(subject));
      expect(added.sort()).toEqual(['records:locks', 'records:log']);
      await sync.close();
      expect(vi.getTimerCount()).toBe(0);
      expect(new Set(hub.subscribers.keys())).toEqual(subjectsBefore);
    } finally {
      vi.useRealTimers();
    }
    await server.close();
    await bus.close();
  });

  it('R15.1 after close, sync requests are refused with SERVER_SHUTTING_DOWN instead of hanging', async () => {
    const node = await startSyncNode(storage);
    const { topic, cid, rid } = testNames();
    const client = await node.connect('alice');
    await client.join(topic);
    await node.sync.close();
    const reply = await client.mutate(topic, cid('c'), [{ mid: 1, c: 'items', id: rid('r'), base: 0, ops: [] }]);
    expect(reply.status).toBe('error');
    expect((reply.response as unknown as { reason: string }).reason).toMatch(/^SERVER_SHUTTING_DOWN/);
    await node.close();
  });
});
