import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { RealtimeClient } from '../src/index.ts';
import { ServerFixture, signToken, statusWhere, until } from './server-fixture.ts';

const fixture = new ServerFixture();
afterEach(() => fixture.dispose());

/** Active handles by kind (TCPSocketWrap, Timeout, …). */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

describe('against the real server: close() leaves no handles (R1.3, "leaked connections or timers")', () => {
  it('R1.3 after close() the process holds no socket or timer of the client', async () => {
    const { server, wsUrl } = await fixture.start();
    const token = await signToken('tidy');
    const before = resources();
    const client = new RealtimeClient({
      url: wsUrl,
      token: async () => token,
      WebSocket,
      onlineEvents: null,
      heartbeatIntervalMs: 1_000,
    });
    const channel = client.channel('wedding:11', { presence: { key: 'tidy' } });
    await channel.join();
    await channel.track({ status: 'active' });
    const scope = client.autoSubscribe(['supplier:3', 'supplier:3:team']);
    await scope.ready;
    await statusWhere(client, (status) => status.latencyMs !== null);
    expect((resources().TCPSocketWrap ?? 0) - (before.TCPSocketWrap ?? 0)).toBe(2);
    expect((resources().Timeout ?? 0) - (before.Timeout ?? 0)).toBeGreaterThan(0);

    const serverSideGone = until((resolve) => server.onDisconnect(() => resolve()));
    await client.close();
    await serverSideGone;
    const after = resources();
    expect(after.TCPSocketWrap ?? 0).toBe(before.TCPSocketWrap ?? 0);
    // At most as many timers as before: server-side timers of other work may have fired meanwhile.
    expect(after.Timeout ?? 0).toBeLessThanOrEqual(before.Timeout ?? 0);
    expect(server.stats()).toMatchObject({ sessions: 0, memberships: 0 });
  });

  it('R1.3 close() while reconnecting (retry timer armed, a connect in progress) leaves nothing behind', async () => {
    const { server, wsUrl } = await fixture.start();
    await fixture.closeServer(server);
    const before = resources();
    const token = await signToken('gone');
    const client = new RealtimeClient({ url: wsUrl, token, WebSocket, onlineEvents: null, backoff: { baseMs: 5 } });
    client.connect();
    await statusWhere(client, (status) => status.state === 'reconnecting' && status.attempt >= 3);
    await client.close();
    expect(client.status).toMatchObject({ state: 'disconnected', nextRetryAtMs: null });
    // At most as many timers as before: timers of other work in this process may have fired meanwhile.
    expect(resources().Timeout ?? 0).toBeLessThanOrEqual(before.Timeout ?? 0);
    // A TCP connect aborted mid-way reports close before libuv releases its handle (one loop turn later).
    await vi.waitFor(() => {
      expect(resources().TCPSocketWrap ?? 0).toBe(before.TCPSocketWrap ?? 0);
      expect(resources().ConnectWrap ?? 0).toBe(before.ConnectWrap ?? 0);
    });
  });
});
