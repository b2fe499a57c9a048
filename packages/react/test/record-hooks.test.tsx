// @vitest-environment jsdom

import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import {
  MemoryQueueStorage,
  RealtimeClient,
  type RecordChangeInfo,
  RecordStore,
  type WebSocketConstructor,
} from '@wedsync/client';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { RealtimeProvider } from '../src/realtime-context.tsx';
import { RecordStoreProvider } from '../src/records/record-store-context.tsx';
import { useOutboxProgress } from '../src/records/use-outbox-progress.ts';
import { useQuery } from '../src/records/use-query.ts';
import { useRecord } from '../src/records/use-record.ts';
import { useRecordChanges } from '../src/records/use-record-changes.ts';
import { useSyncedChannel } from '../src/records/use-synced-channel.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';

const TOPIC = 'wedding:records';
const SCHEMAS = [
  { name: 'items', fields: { title: { id: 1, kind: 'lww' as const }, notes: { id: 2, kind: 'text' as const } } },
];

let server: ServerProcess;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startServerProcess({ records: true });
});
afterAll(() => server.stop());
afterEach(async () => {
  cleanup();
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function person(sub: string, name: string) {
  const client = new RealtimeClient({
    url: server.wsUrl,
    token: server.sign(sub, name),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    onlineEvents: null,
  });
  const store = await RecordStore.open({ storage: new MemoryQueueStorage(), schemas: SCHEMAS, defaultTopic: TOPIC });
  closers.push(async () => {
    await store.outbox.close();
    await client.close();
  });
  return { client, store };
}

function Item({ who, changes }: { who: string; changes: RecordChangeInfo[] }) {
  const { state } = useSyncedChannel(TOPIC);
  const item = useRecord('items', 'i1');
  const all = useQuery('items');
  const progress = useOutboxProgress();
  useRecordChanges((batch) => changes.push(...batch));
  return (
    <p data-testid={who}>
      {state}|{String(item?.fields.title ?? '')}|{all.length}|queued {progress.queued}
    </p>
  );
}

describe('record hooks over the real store and server', () => {
  test('R3.1 R3.3 an edit in one store shows in the other with who and old → new; R11.3 the queue drains', async () => {
    const emma = await person('u-emma', 'Emma');
    const sarah = await person('u-sarah', 'Sarah');
    const sarahChanges: RecordChangeInfo[] = [];
    render(
      <>
        <RealtimeProvider client={emma.client}>
          <RecordStoreProvider store={emma.store}>
            <Item who="emma" changes={[]} />
          </RecordStoreProvider>
        </RealtimeProvider>
        <RealtimeProvider client={sarah.client}>
          <RecordStoreProvider store={sarah.store}>
            <Item who="sarah" changes={sarahChanges} />
          </RecordStoreProvider>
        </RealtimeProvider>
      </>,
    );
    await waitFor(() => expect(screen.getByTestId('sarah').textContent).toBe('joined||0|queued 0'));
    await waitFor(() => expect(screen.getByTestId('emma').textContent).toBe('joined||0|queued 0'));
    act(() => {
      emma.store.create('items', 'i1', { title: 'Venue: Oakwood Hall' });
    });
    expect(screen.getByTestId('emma').textContent).toMatch(/^joined\|Venue: Oakwood Hall\|1\|queued [01]$/);
    await waitFor(() => expect(screen.getByTestId('sarah').textContent).toBe('joined|Venue: Oakwood Hall|1|queued 0'));
    await waitFor(() => expect(screen.getByTestId('emma').textContent).toBe('joined|Venue: Oakwood Hall|1|queued 0'));
    act(() => {
      emma.store.set('items', 'i1', 'title', 'Venue: Oakwood Hall, Surrey');
    });
    await waitFor(() =>
      expect(screen.getByTestId('sarah').textContent).toBe('joined|Venue: Oakwood Hall, Surrey|1|queued 0'),
    );
    const last = sarahChanges[sarahChanges.length - 1];
    expect(last?.source).toBe('remote');
    expect(last?.by).toBe('u-emma');
    expect(last?.fields).toEqual([
      { name: 'title', f: 1, old: 'Venue: Oakwood Hall', new: 'Venue: Oakwood Hall, Surrey' },
    ]);
  });
});
