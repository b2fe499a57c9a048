// @vitest-environment jsdom

import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { MemoryQueueStorage, RealtimeClient, RecordStore, type WebSocketConstructor } from '@wedsync/client';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { RealtimeProvider } from '../src/realtime-context.tsx';
import { RecordStoreProvider } from '../src/records/record-store-context.tsx';
import { useQuery } from '../src/records/use-query.ts';
import { useRecord } from '../src/records/use-record.ts';
import { useSyncedChannel } from '../src/records/use-synced-channel.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';

const TOPIC = 'wedding:confirmation';
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

function Item() {
  const { state } = useSyncedChannel(TOPIC);
  const item = useRecord('items', 'c1');
  const rows = useQuery('items');
  const row = rows.find((candidate) => candidate.id === 'c1');
  return (
    <p data-testid="item">
      {state}|{item ? `v${item.v} pending:${item.pendingFields.join(',') || '-'}` : 'none'}|
      {row ? `v${row.v} pending:${row.pendingFields.join(',') || '-'}` : 'none'}
    </p>
  );
}

describe('record hooks follow confirmations', () => {
  test('R11.2 R3.3 an own edit confirmed with the value it already showed clears "saving" and gets its version', async () => {
    const client = new RealtimeClient({
      url: server.wsUrl,
      token: server.sign('u-emma', 'Emma'),
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      onlineEvents: null,
    });
    const store = await RecordStore.open({ storage: new MemoryQueueStorage(), schemas: SCHEMAS, defaultTopic: TOPIC });
    closers.push(async () => {
      await store.outbox.close();
      await client.close();
    });
    render(
      <RealtimeProvider client={client}>
        <RecordStoreProvider store={store}>
          <Item />
        </RecordStoreProvider>
      </RealtimeProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('item').textContent).toBe('joined|none|none'));
    act(() => {
      store.create('items', 'c1', { title: 'Cake tasting' });
    });
    expect(screen.getByTestId('item').textContent).toBe('joined|v0 pending:title|v0 pending:title');
    await waitFor(() => expect(screen.getByTestId('item').textContent).toBe('joined|v1 pending:-|v1 pending:-'));
    act(() => {
      store.set('items', 'c1', 'title', 'Cake tasting at 3');
    });
    await waitFor(() => expect(screen.getByTestId('item').textContent).toBe('joined|v2 pending:-|v2 pending:-'));
  });
});
