import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MutatePayload, MutateReply } from '@wedsync/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { FileQueueStorage } from '../src/outbox/file-queue-storage.ts';
import { LocalStorageQueueStorage, type StorageLike } from '../src/outbox/local-storage-queue-storage.ts';
import { Outbox } from '../src/outbox/outbox.ts';
import type { QueueStorage } from '../src/outbox/queue-storage.ts';

class MapStorage implements StorageLike {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const draft = (id: string) => ({
  topic: 'wedding:w1',
  c: 'weddings',
  id,
  base: 0,
  ops: [{ k: 'set' as const, f: 1, v: id }],
});

const cases: Array<[string, () => Promise<() => QueueStorage>]> = [
  [
    'localStorage',
    async () => {
      const local = new MapStorage();
      return () => new LocalStorageQueueStorage(local, 'q');
    },
  ],
  [
    'file',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'wedsync-reload-'));
      dirs.push(dir);
      return () => new FileQueueStorage(join(dir, 'queue.json'));
    },
  ],
];

describe.each(cases)('Outbox reload over %s (R11.1)', (_name, makeFactory) => {
  it('R11.1 keeps clientId, pending mutations and the mid counter across a reload', async () => {
    const storageFor = await makeFactory();
    const first = await Outbox.open({ storage: storageFor() });
    const clientId = first.outbox.clientId;
    first.outbox.enqueue(draft('a'));
    first.outbox.enqueue(draft('b'));
    await first.outbox.close();

    const second = await Outbox.open({ storage: storageFor() });
    expect(second.outbox.clientId).toBe(clientId);
    expect(second.outbox.entries().map((e) => [e.mutation.mid, e.mutation.id, e.state])).toEqual([
      [1, 'a', 'queued'],
      [2, 'b', 'queued'],
    ]);
    expect(second.outbox.enqueue(draft('c')).mid).toBe(3);

    const sent: MutatePayload[] = [];
    const drained = new Promise<void>((resolve) => {
      second.outbox.on('progress', (progress) => {
        if (progress.queued === 0) resolve();
      });
    });
    second.outbox.setSender('wedding:w1', {
      ready: () => true,
      send: async (payload): Promise<MutateReply> => {
        sent.push(payload);
        return { results: payload.mutations.map((m) => ({ mid: m.mid, status: 'applied', v: 1, seq: m.mid })) };
      },
    });
    await drained;
    // Only saved mutations travel: with the asynchronous file adapter mid 3 may follow in its own batch.
    expect(sent.every((p) => p.clientId === clientId)).toBe(true);
    expect(sent.flatMap((p) => p.mutations.map((m) => m.mid))).toEqual([1, 2, 3]);
    await second.outbox.close();

    const third = await Outbox.open({ storage: storageFor() });
    expect(third.outbox.entries().map((e) => [e.mutation.mid, e.state])).toEqual([
      [1, 'acked'],
      [2, 'acked'],
      [3, 'acked'],
    ]);
    expect(third.outbox.progress().queued).toBe(0);
    expect(third.outbox.enqueue(draft('d')).mid).toBe(4);
    await third.outbox.close();
  });

  it('R11.1 a fresh storage gets a new clientId, saved at once', async () => {
    const storageFor = await makeFactory();
    const { outbox } = await Outbox.open({ storage: storageFor(), generateClientId: () => 'fixed-id' });
    expect(outbox.clientId).toBe('fixed-id');
    expect((await storageFor().load())?.clientId).toBe('fixed-id');
    await outbox.close();
  });
});
