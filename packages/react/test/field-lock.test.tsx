// @vitest-environment jsdom

import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { RealtimeClient, type WebSocketConstructor } from '@wedsync/client';
import { useEffect, useState } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { LockTracker } from '../src/locks/lock-tracker.ts';
import { useFieldLock } from '../src/locks/use-field-lock.ts';
import { RealtimeProvider } from '../src/realtime-context.tsx';
import { useChannel } from '../src/use-channel.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';

let server: ServerProcess;
const clients: RealtimeClient[] = [];

beforeAll(async () => {
  server = await startServerProcess({ records: true });
});
afterAll(() => server.stop());
afterEach(async () => {
  cleanup();
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

function makeClient(sub: string, name: string): RealtimeClient {
  const client = new RealtimeClient({
    url: server.wsUrl,
    token: server.sign(sub, name),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    onlineEvents: null,
  });
  clients.push(client);
  return client;
}

function TitleField({ who }: { who: string }) {
  const { channel, state } = useChannel('wedding:locks');
  const [tracker, setTracker] = useState<LockTracker | null>(null);
  useEffect(() => {
    if (!channel) return;
    const created = new LockTracker(channel);
    setTracker(created);
    return () => created.dispose();
  }, [channel]);
  const lock = useFieldLock(tracker, { c: 'items', id: 'i1', f: 1 });
  return (
    <div>
      <label htmlFor={`title-${who}`}>Title for {who}</label>
      <input
        id={`title-${who}`}
        readOnly={lock.lockedBy !== null}
        onFocus={lock.onFocus}
        onBlur={lock.onBlur}
        onChange={lock.onInput}
      />
      <p data-testid={`lock-${who}`}>
        {state}:{lock.held ? 'held' : lock.lockedBy ? `locked by ${lock.lockedBy.holder.name}` : 'free'}
      </p>
    </div>
  );
}

describe('field locks in React over the real server', () => {
  test('R4.1 focusing takes the lock: the other person sees the field read-only with my name; blur releases it', async () => {
    const emma = makeClient('u-emma', 'Emma');
    const sarah = makeClient('u-sarah', 'Sarah');
    render(
      <>
        <RealtimeProvider client={emma}>
          <TitleField who="Emma" />
        </RealtimeProvider>
        <RealtimeProvider client={sarah}>
          <TitleField who="Sarah" />
        </RealtimeProvider>
      </>,
    );
    await waitFor(() => expect(screen.getByTestId('lock-Sarah').textContent).toBe('joined:free'));
    await waitFor(() => expect(screen.getByTestId('lock-Emma').textContent).toBe('joined:free'));
    act(() => fireEvent.focus(screen.getByLabelText('Title for Emma')));
    await waitFor(() => expect(screen.getByTestId('lock-Emma').textContent).toBe('joined:held'));
    await waitFor(() => expect(screen.getByTestId('lock-Sarah').textContent).toBe('joined:locked by Emma'));
    expect((screen.getByLabelText('Title for Sarah') as HTMLInputElement).readOnly).toBe(true);
    act(() => fireEvent.focus(screen.getByLabelText('Title for Sarah')));
    act(() => fireEvent.blur(screen.getByLabelText('Title for Emma')));
    await waitFor(() => expect(screen.getByTestId('lock-Sarah').textContent).toBe('joined:free'));
    expect((screen.getByLabelText('Title for Sarah') as HTMLInputElement).readOnly).toBe(false);
  });
});
