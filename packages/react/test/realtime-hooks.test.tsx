// @vitest-environment jsdom

import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { RealtimeClient, type WebSocketConstructor } from '@wedsync/client';
import { useMemo } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { RealtimeProvider } from '../src/realtime-context.tsx';
import { useChannel } from '../src/use-channel.ts';
import { useConnectionStatus } from '../src/use-connection-status.ts';
import { usePresence } from '../src/use-presence.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';

let server: ServerProcess;
const clients: RealtimeClient[] = [];

beforeAll(async () => {
  server = await startServerProcess();
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

function StatusProbe() {
  const status = useConnectionStatus();
  return <p data-testid="status">{status.state}</p>;
}

function Room({ name, topic, hidden = false }: { name: string; topic: string; hidden?: boolean }) {
  const { channel, state, reason } = useChannel(topic, { presence: { key: name } });
  const meta = useMemo(() => (hidden ? null : { name, status: 'active', activity: 'Viewing' }), [name, hidden]);
  const peers = usePresence(channel, meta);
  return (
    <div>
      <p data-testid={`channel-${name}`} title={reason ?? ''}>
        {state}
      </p>
      <ul aria-label={`seen by ${name}`}>
        {peers.map((peer) => (
          <li key={peer.key}>
            {peer.name}:{peer.status}:{peer.activity}
          </li>
        ))}
      </ul>
    </div>
  );
}

describe('React bindings over the real client and server', () => {
  test('R1.5 useConnectionStatus follows the SDK from disconnected to connected', async () => {
    const client = makeClient('u-emma', 'Emma');
    render(
      <RealtimeProvider client={client}>
        <StatusProbe />
      </RealtimeProvider>,
    );
    expect(screen.getByTestId('status').textContent).toBe('disconnected');
    act(() => client.connect());
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('connected'));
    await act(() => client.disconnect());
    expect(screen.getByTestId('status').textContent).toBe('disconnected');
  });

  test('R2.3 useChannel joins while mounted and R4.3 usePresence shows everyone with their activity', async () => {
    const emma = makeClient('u-emma', 'Emma');
    const sarah = makeClient('u-sarah', 'Sarah');
    const { unmount } = render(
      <>
        <RealtimeProvider client={emma}>
          <Room name="Emma" topic="wedding:w1" />
        </RealtimeProvider>
        <RealtimeProvider client={sarah}>
          <Room name="Sarah" topic="wedding:w1" />
        </RealtimeProvider>
      </>,
    );
    await waitFor(() => expect(screen.getByTestId('channel-Emma').textContent).toBe('joined'));
    await waitFor(() =>
      expect(screen.getByRole('list', { name: 'seen by Emma' }).textContent).toBe(
        'Emma:active:ViewingSarah:active:Viewing',
      ),
    );
    expect(emma.channels().map((channel) => channel.topic)).toEqual(['wedding:w1']);
    unmount();
    await waitFor(() => expect(emma.channels()[0]?.state).toBe('closed'));
  });

  test("R14.2 R4.3 switching presence off while mounted leaves the others' lists at once; on again, it is back", async () => {
    const emma = makeClient('u-emma', 'Emma');
    const sarah = makeClient('u-sarah', 'Sarah');
    const view = (sarahHidden: boolean) => (
      <>
        <RealtimeProvider client={emma}>
          <Room name="Emma" topic="wedding:w2" />
        </RealtimeProvider>
        <RealtimeProvider client={sarah}>
          <Room name="Sarah" topic="wedding:w2" hidden={sarahHidden} />
        </RealtimeProvider>
      </>
    );
    const { rerender } = render(view(false));
    const seenByEmma = () => screen.getByRole('list', { name: 'seen by Emma' }).textContent;
    await waitFor(() => expect(seenByEmma()).toBe('Emma:active:ViewingSarah:active:Viewing'));
    rerender(view(true));
    await waitFor(() => expect(seenByEmma()).toBe('Emma:active:Viewing'));
    expect(screen.getByTestId('channel-Sarah').textContent).toBe('joined');
    rerender(view(false));
    await waitFor(() => expect(seenByEmma()).toBe('Emma:active:ViewingSarah:active:Viewing'));
  });
});
