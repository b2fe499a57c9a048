import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scriptedClient } from './scripted-client.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 2_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

// The server answers a resume it could not read (database down) with a `system` sync error and stops
// sending the channel's changes; the SDK must rejoin with its resume payload, or the channel would
// look joined and stay silent (issue 6: PostgreSQL restart mid-burst).
describe('R11.2 a channel whose resume failed on the server rejoins', () => {
  it('rejoins with backoff after a retryable sync error and resumes from its seq', async () => {
    const { client, connectOpen, settle } = scriptedClient();
    const socket = await connectOpen();
    let since = 10;
    const channel = client.channel('wedding:w1', { getJoinPayload: () => ({ sync: { since } }) });
    const joined = channel.join();
    await settle();
    socket.reply({ topic: 'wedding:w1', event: 'phx_join' }, 'ok', {});
    await joined;
    since = 12;
    socket.receive({
      joinRef: null,
      ref: null,
      topic: 'wedding:w1',
      event: 'system',
      payload: {
        extension: 'sync',
        status: 'error',
        message: 'STORAGE_UNAVAILABLE: The database is unavailable (rejoin the channel to resume)',
      },
    });
    expect(channel.state).toBe('errored');
    expect(channel.reason).toBe('STORAGE_UNAVAILABLE');
    const joinsBefore = socket.sentEvents('wedding:w1').filter((event) => event === 'phx_join').length;
    const joinCount = () => socket.sentEvents('wedding:w1').filter((event) => event === 'phx_join').length;
    let waitedMs = 0;
    while (joinCount() === joinsBefore && waitedMs < 30_000) {
      await vi.advanceTimersByTimeAsync(100);
      waitedMs += 100;
    }
    expect(joinCount()).toBe(joinsBefore + 1);
    expect(waitedMs).toBeGreaterThan(0);
    expect(socket.lastSent({ topic: 'wedding:w1', event: 'phx_join' }).payload).toMatchObject({
      config: { sync: { since: 12 } },
    });
    socket.reply({ topic: 'wedding:w1', event: 'phx_join' }, 'ok', {});
    await settle();
    expect(channel.state).toBe('joined');
    await client.close();
  });

  it('ignores system errors that are not sync resume failures', async () => {
    const { client, connectOpen, joinOk } = scriptedClient();
    const socket = await connectOpen();
    const channel = await joinOk('wedding:w2', socket);
    socket.receive({
      joinRef: null,
      ref: null,
      topic: 'wedding:w2',
      event: 'system',
      payload: { extension: 'postgres_changes', status: 'error', message: 'SERVER_ERROR: something else' },
    });
    expect(channel.state).toBe('joined');
    await client.close();
  });
});
