import type { CollectionSchema } from '@wedsync/protocol';
import { describe, expect, it } from 'vitest';
import { FieldDebouncer } from '../src/debounce/field-debouncer.ts';
import type { UnloadTarget } from '../src/debounce/unload-target.ts';
import type { VisibilityLike } from '../src/device/device-sync.ts';
import { MemoryQueueStorage } from '../src/outbox/memory-queue-storage.ts';
import type { QueueStorage } from '../src/outbox/queue-storage.ts';
import { RecordStore } from '../src/store/record-store.ts';

const TOPIC = 'wedding:w1';
const SCHEMAS: CollectionSchema[] = [
  { name: 'items', fields: { title: { id: 1, kind: 'lww' }, notes: { id: 2, kind: 'text' } } },
];

/** `window` and `document` doubles: the platform events a page sends when it goes away. */
class FakePage extends EventTarget implements UnloadTarget, VisibilityLike {
  visibilityState: 'visible' | 'hidden' = 'visible';
  listeners = 0;
  override addEventListener(type: string, listener: () => void): void {
    this.listeners++;
    super.addEventListener(type, listener);
  }
  override removeEventListener(type: string, listener: () => void): void {
    this.listeners--;
    super.removeEventListener(type, listener);
  }
  hide(): void {
    this.visibilityState = 'hidden';
    this.dispatchEvent(new Event('visibilitychange'));
  }
  fire(type: 'pagehide' | 'beforeunload'): void {
    this.dispatchEvent(new Event(type));
  }
}

function openStore(storage: QueueStorage, page: FakePage) {
  return RecordStore.open({ storage, schemas: SCHEMAS, defaultTopic: TOPIC, unloadTarget: page, visibility: page });
}

/** A "reload": a new store over the same saved queue; what the page had typed must be in it. */
async function reloadedNotes(storage: QueueStorage): Promise<unknown> {
  const store = await RecordStore.open({ storage, schemas: SCHEMAS, unloadTarget: null, visibility: null });
  const notes = store.record('items', 'n1')?.fields.notes;
  await store.close();
  return notes;
}

/**
 * R11.1 / R12.1: text typed inside the debounce window (a draft the app holds back for 500 ms) is
 * handed to the durable queue when the page is hidden, unloads or the store closes — before the
 * timer would have fired — so a reload right after typing keeps it.
 */
describe('RecordStore flushes held inputs into the durable queue (R11.1, R12.1)', () => {
  for (const how of ['hidden', 'pagehide', 'beforeunload', 'store closed'] as const) {
    it(`R11.1 a draft typed within the debounce window is in the queue after the page is ${how}`, async () => {
      const storage = new MemoryQueueStorage();
      const page = new FakePage();
      const store = await openStore(storage, page);
      store.create('items', 'n1', { title: 'Menu' });
      let draft: string | null = 'Starter';
      const release = store.holdInput(() => {
        if (draft !== null) store.editText('items', 'n1', 'notes', draft);
        draft = null;
      });
      expect(await reloadedNotes(storage)).toBeUndefined();
      if (how === 'hidden') page.hide();
      else if (how === 'store closed') await store.close();
      else page.fire(how);
      expect(await reloadedNotes(storage)).toBe('Starter');
      release();
      await store.close();
      expect(page.listeners).toBe(0);
    });
  }

  it('R12.1 a FieldDebouncer held by the store commits its pending values on page hide; a visible page flushes nothing', async () => {
    const storage = new MemoryQueueStorage();
    const page = new FakePage();
    const store = await openStore(storage, page);
    store.create('items', 'n1', { title: 'Menu' });
    const debouncer = new FieldDebouncer({ timers: { setTimeout: () => 0, clearTimeout: () => {}, now: () => 0 } });
    const release = store.holdInput(() => debouncer.flushAll());
    debouncer.input('title', 'text', 'Menu v2', (value) => store.set('items', 'n1', 'title', value));
    page.dispatchEvent(new Event('visibilitychange'));
    expect(debouncer.pendingCount).toBe(1);
    page.hide();
    expect(debouncer.pendingCount).toBe(0);
    expect(store.outbox.entries().map((e) => e.mutation.ops)).toEqual([
      [{ k: 'set', f: 1, v: 'Menu' }],
      [{ k: 'set', f: 1, v: 'Menu v2' }],
    ]);
    release();
    debouncer.close();
    await store.close();
  });

  it('R11.1 a held input that throws does not keep the others from saving; the error is reported', async () => {
    const errors: unknown[] = [];
    const page = new FakePage();
    const store = await RecordStore.open({
      storage: new MemoryQueueStorage(),
      schemas: SCHEMAS,
      defaultTopic: TOPIC,
      unloadTarget: page,
      visibility: page,
      onError: (error) => errors.push(error),
    });
    const saved: string[] = [];
    store.holdInput(() => {
      throw new Error('broken editor');
    });
    store.holdInput(() => saved.push('other editor'));
    page.fire('pagehide');
    expect(saved).toEqual(['other editor']);
    expect(errors).toEqual([new Error('broken editor')]);
    await store.close();
  });
});
