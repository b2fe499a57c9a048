// @vitest-environment jsdom

import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import {
  LocalStorageQueueStorage,
  RecordStore,
  type StorageLike,
  type UnloadTarget,
  type VisibilityLike,
} from '@wedsync/client';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { RecordStoreProvider } from '../src/records/record-store-context.tsx';
import { TEXT_SAVE_DELAY_MS, useCollaborativeText } from '../src/text/use-collaborative-text.ts';

const TOPIC = 'wedding:durable';
const SCHEMAS = [
  { name: 'items', fields: { title: { id: 1, kind: 'lww' as const }, notes: { id: 2, kind: 'text' as const } } },
];

/** A stand-in for `window.localStorage` that outlives the "page". */
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

/** The page's `window` / `document` events, injected into the store (as the device policies take them). */
class FakePage extends EventTarget implements UnloadTarget, VisibilityLike {
  visibilityState: 'visible' | 'hidden' = 'visible';
  hide(): void {
    this.visibilityState = 'hidden';
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

function Editor({ saveDelayMs }: { saveDelayMs?: number }) {
  const text = useCollaborativeText('items', 'n1', 'notes', saveDelayMs === undefined ? {} : { saveDelayMs });
  return (
    <textarea
      data-testid="notes"
      ref={text.inputRef as never}
      value={text.value}
      onChange={(event) => text.onChange(event.target.value)}
    />
  );
}

async function openPage(local: MapStorage, page = new FakePage()) {
  const store = await RecordStore.open({
    storage: new LocalStorageQueueStorage(local, 'queue'),
    schemas: SCHEMAS,
    defaultTopic: TOPIC,
    unloadTarget: page,
    visibility: page,
  });
  return { store, page };
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/**
 * R11.1 / R12.1: text typed into a note created here while offline (its create not confirmed) goes
 * into the durable queue — after the save delay, or at once when the page is hidden — so a reload
 * keeps both the create and the typing, in order (R11.2 replays them; the store sends the edit
 * after the create).
 */
describe('useCollaborativeText never loses typing (R11.1, R11.2, R12.1)', () => {
  test('R11.1 typing inside the debounce window is in the queue when the page is hidden, and survives a reload', async () => {
    const local = new MapStorage();
    const { store, page } = await openPage(local);
    store.create('items', 'n1', { title: 'Menu' });
    render(
      <RecordStoreProvider store={store}>
        <Editor saveDelayMs={60_000} />
      </RecordStoreProvider>,
    );
    fireEvent.change(screen.getByTestId('notes'), { target: { value: 'Starter: soup' } });
    expect(store.outbox.entries()).toHaveLength(1);
    act(() => page.hide());
    expect(store.record('items', 'n1')?.fields.notes).toBe('Starter: soup');

    cleanup(); // the page is gone; nothing is flushed on its way out
    const reloaded = await openPage(local);
    expect(reloaded.store.record('items', 'n1')).toMatchObject({
      v: 0,
      fields: { title: 'Menu', notes: 'Starter: soup' },
    });
    expect(reloaded.store.outbox.entries().map((e) => [e.mutation.mid, e.mutation.ops.map((op) => op.k)])).toEqual([
      [1, ['set']],
      [2, ['text']],
    ]);
    await reloaded.store.close();
  });

  test('R11.1 R12.1 a draft in a record not yet confirmed is saved after 500 ms, not held until the create is confirmed', async () => {
    vi.useFakeTimers();
    const local = new MapStorage();
    const { store } = await openPage(local);
    store.create('items', 'n1', { title: 'Menu' });
    render(
      <RecordStoreProvider store={store}>
        <Editor />
      </RecordStoreProvider>,
    );
    fireEvent.change(screen.getByTestId('notes'), { target: { value: 'Dessert' } });
    act(() => {
      vi.advanceTimersByTime(TEXT_SAVE_DELAY_MS);
    });
    expect(store.outbox.entries().map((e) => e.mutation.mid)).toEqual([1, 2]);
    expect(JSON.parse(local.getItem('queue') ?? '{}').pending).toHaveLength(2);
  });

  test('R11.1 closing the store saves a draft still inside the debounce window', async () => {
    const local = new MapStorage();
    const { store } = await openPage(local);
    store.create('items', 'n1', { title: 'Menu' });
    render(
      <RecordStoreProvider store={store}>
        <Editor saveDelayMs={60_000} />
      </RecordStoreProvider>,
    );
    fireEvent.change(screen.getByTestId('notes'), { target: { value: 'Coffee' } });
    await act(() => store.close());
    cleanup();
    const reloaded = await openPage(local);
    expect(reloaded.store.record('items', 'n1')?.fields.notes).toBe('Coffee');
    await reloaded.store.close();
  });
});
