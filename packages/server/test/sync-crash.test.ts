import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HistoryEntry, Mutation, ResyncPayload } from '@wedsync/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { F } from './fixtures/sync-harness.ts';
import { startSyncServerChild } from './fixtures/sync-server-process.ts';
import { SyncTestClient } from './fixtures/sync-test-client.ts';

const TOPIC = 'wedding:crash';

describe('a server killed between commit and acknowledgement', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('R11.2 the client’s retry after the restart is acknowledged as duplicate and applied once', {
    timeout: 180_000,
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sync-crash-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    // A text insert: applying it twice would leave "hellohello".
    const mutation: Mutation = {
      mid: 1,
      c: 'items',
      id: 'crash-1',
      base: 0,
      ops: [{ k: 'text', f: F.notes, op: ['hello'] }],
    };

    const doomed = await startSyncServerChild(dataDir, { SYNC_KILL_AFTER_COMMIT_MID: '1' });
    cleanup.push(async () => {
      doomed.process.kill('SIGKILL');
    });
    const first = await SyncTestClient.connect(doomed.wsUrl, 'alice');
    await first.join(TOPIC);
    first.send(TOPIC, 'sync_mutate', { clientId: 'tab-1', mutations: [mutation] });
    expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await first.closed;
    expect(first.framesOf(TOPIC, 'phx_reply').length).toBe(1); // only the join reply; the ack never came

    const restarted = await startSyncServerChild(dataDir);
    cleanup.push(async () => {
      restarted.process.kill('SIGTERM');
      await restarted.exited;
    });
    const retry = await SyncTestClient.connect(restarted.wsUrl, 'alice');
    cleanup.push(() => retry.close());
    await retry.join(TOPIC);
    const reply = await retry.mutate(TOPIC, 'tab-1', [mutation]);
    expect(reply.status).toBe('ok');
    expect(reply.response.results).toEqual([expect.objectContaining({ mid: 1, status: 'duplicate' })]);

    const snapshot = await retry.request<ResyncPayload>(TOPIC, 'sync_snapshot', {});
    expect(snapshot.response.records).toEqual([
      expect.objectContaining({ id: 'crash-1', v: 1, fields: { [F.notes]: 'hello' } }),
    ]);
    const history = await retry.request<{ entries: HistoryEntry[] }>(TOPIC, 'history', { c: 'items', id: 'crash-1' });
    expect(history.response.entries).toHaveLength(1);
  });
});
