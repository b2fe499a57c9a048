import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MutationResult } from '@wedsync/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TEST_SCHEMAS } from '../../server/test/fixtures/sync-harness.ts';
import { startSyncServerChild } from '../../server/test/fixtures/sync-server-process.ts';
import { signTestToken } from '../../server/test/fixtures/sync-test-client.ts';
import { FileQueueStorage } from '../src/outbox/file-queue-storage.ts';
import { RealtimeClient } from '../src/realtime-client.ts';
import { bindChannel } from '../src/store/channel-binding.ts';
import { RecordStore } from '../src/store/record-store.ts';
import { settledWhen } from './store-sync-fixture.ts';

/**
 * R11.2 end to end with the SDK: the server process is SIGKILLed between a mutation's commit and its
 * ack (a real child process on a PGlite data directory, the server package's crash fixture); the app
 * restarts too (same file queue). After the server restarts the SDK settles the queued edit without a
 * second application: either its resend is acknowledged as a duplicate, or its own change (cid/mid)
 * replayed at join settles it first — which one wins is a race between the join's replay and the
 * resend. The raw-protocol variant, which always resends, is packages/server/test/sync-crash.test.ts.
 */
const TOPIC = 'wedding:sdk-crash';

/** An app instance: SDK client + store over a file queue (the Node persistence adapter). */
async function openApp(wsUrl: string, queuePath: string) {
  const store = await RecordStore.open({
    storage: new FileQueueStorage(queuePath),
    // The crash fixture server's own schema: `notes` of `items` is a text field.
    schemas: TEST_SCHEMAS,
    defaultTopic: TOPIC,
    onError: (error) => {
      throw error;
    },
  });
  const client = new RealtimeClient({
    url: wsUrl,
    token: await signTestToken('alice'),
    WebSocket: WebSocket as never,
    onlineEvents: null,
    backoff: { baseMs: 20, capMs: 200 },
  });
  const channel = client.channel(TOPIC);
  const unbind = bindChannel(store, channel);
  return {
    store,
    client,
    channel,
    close: async () => {
      unbind();
      await store.close();
      await client.close();
    },
  };
}

describe('SDK store across a server killed between commit and ack (R11.2)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('R11.2 the store’s queued edit survives both restarts and is settled after the server restarts, applied once', {
    timeout: 180_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sdk-crash-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const dataDir = join(dir, 'pglite');
    const queuePath = join(dir, 'queue.json');

    const doomed = await startSyncServerChild(dataDir, { SYNC_KILL_AFTER_COMMIT_MID: '1' });
    cleanup.push(async () => {
      doomed.process.kill('SIGKILL');
    });
    const first = await openApp(doomed.wsUrl, queuePath);
    await first.channel.join();
    // A text insert: applying it twice would read "hellohello".
    first.store.create('items', 'crash-1', { notes: 'hello' });
    expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(first.store.outbox.progress()).toMatchObject({ queued: 1, done: 0 });
    await first.store.outbox.flushed();
    await first.close();

    const restarted = await startSyncServerChild(dataDir);
    cleanup.push(async () => {
      restarted.process.kill('SIGTERM');
      await restarted.exited;
    });
    const second = await openApp(restarted.wsUrl, queuePath);
    cleanup.push(() => second.close());
    expect(second.store.clientId).toBe(first.store.clientId);
    expect(second.store.outbox.entries().map((entry) => entry.mutation.mid)).toEqual([1]);
    const results: MutationResult[] = [];
    const rejected: string[] = [];
    second.store.outbox.on('acked', ({ result }) => results.push(result));
    second.store.outbox.on('rejected', (event) => rejected.push(event.code));
    await second.channel.join();
    await settledWhen(
      [second.store],
      () => second.store.outbox.entries().length === 0 && second.store.record('items', 'crash-1')?.v === 1,
      'retry settled',
      30_000,
    );
    // Never applied again: a resend (if it went before the replay settled the entry) is a duplicate.
    expect(results.every((result) => result.mid === 1 && result.status === 'duplicate')).toBe(true);
    expect(rejected).toEqual([]);
    expect(second.store.record('items', 'crash-1')?.fields).toEqual({ notes: 'hello' });
    expect(second.store.outbox.progress()).toMatchObject({ queued: 0, failed: 0 });

    // The server's own view: one version, text not doubled.
    const reader = await openApp(restarted.wsUrl, join(dir, 'reader-queue.json'));
    cleanup.push(() => reader.close());
    await reader.channel.join();
    await settledWhen([reader.store], () => reader.store.record('items', 'crash-1') !== undefined, 'reader has it');
    expect(reader.store.record('items', 'crash-1')).toMatchObject({ v: 1, fields: { notes: 'hello' } });
  });
});
