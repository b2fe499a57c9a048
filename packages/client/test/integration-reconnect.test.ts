import { afterEach, describe, expect, it } from 'vitest';
import { backoffCeilingMs, type ConnectionStatus } from '../src/index.ts';
import { channelState, ServerFixture, signToken, statusWhere, until } from './server-fixture.ts';

const fixture = new ServerFixture();
afterEach(() => fixture.dispose());

/** Records every scheduled retry with the delay it was given (nextRetryAtMs minus the time it was announced). */
function recordRetries(client: { onStatus(listener: (status: ConnectionStatus) => void): () => void }) {
  const retries: { attempt: number; delayMs: number; reason: string | null }[] = [];
  client.onStatus((status) => {
    if (status.state === 'reconnecting' && status.nextRetryAtMs !== null) {
      retries.push({ attempt: status.attempt, delayMs: status.nextRetryAtMs - Date.now(), reason: status.reason });
    }
  });
  return retries;
}

describe('against the real server: reconnect and rejoin (R1.3, R1.4, acceptance scenario 9)', () => {
  it('R1.3 the server drops a silent client; the SDK reconnects with growing jittered delays and rejoins', async () => {
    const { server, wsUrl } = await fixture.start({ heartbeatIntervalMs: 100 });
    const draws = [0.9, 0.6, 0.8, 0.6, 0.5];
    const backoff = { baseMs: 40, capMs: 10_000, stableResetMs: 60_000 };
    // The client heartbeats far less often than the server expects: it is "silent" and gets dropped.
    const client = fixture.client({
      url: wsUrl,
      token: await signToken('sleepy'),
      heartbeatIntervalMs: 60_000,
      backoff,
      random: () => draws.shift() ?? 0.5,
    });
    const retries = recordRetries(client);
    let serverJoins = 0;
    server.onJoin(({ topic }) => {
      if (topic === 'form:12') serverJoins += 1;
    });
    const channel = client.channel('form:12');
    let joins = 0;
    channel.onState((state) => {
      if (state === 'joined') joins += 1;
    });
    await channel.join();
    await until(
      (resolve) =>
        channel.onState((state) => {
          if (state === 'joined' && joins >= 4) resolve();
        }),
      10_000,
      'three rejoins',
    );
    expect(retries.slice(0, 3).map((retry) => [retry.attempt, retry.reason])).toEqual([
      [1, 'HEARTBEAT_TIMEOUT'],
      [2, 'HEARTBEAT_TIMEOUT'],
      [3, 'HEARTBEAT_TIMEOUT'],
    ]);
    const expected = [0.9, 0.6, 0.8].map((draw, index) => Math.floor(draw * backoffCeilingMs(index + 1, backoff)));
    expect(expected).toEqual([36, 48, 128]);
    retries.slice(0, 3).forEach((retry, index) => {
      expect(retry.delayMs).toBeLessThanOrEqual(expected[index]!);
      expect(retry.delayMs).toBeGreaterThanOrEqual(expected[index]! - 5);
    });
    expect(serverJoins).toBeGreaterThanOrEqual(4);
  });

  it('R1.4 after a server restart on the same port the SDK backs off, reconnects, rejoins and receives again', async () => {
    const first = await fixture.start();
    const backoff = { baseMs: 30, capMs: 2_000, stableResetMs: 60_000 };
    let draw = 0;
    const jitter = () => [0.5, 0.9, 0.2, 0.7][draw++ % 4]!;
    const anna = fixture.client({ url: first.wsUrl, token: () => signToken('anna'), backoff, random: jitter });
    const ben = fixture.client({ url: first.wsUrl, token: () => signToken('ben'), backoff, random: jitter });
    const annaChannel = anna.channel('wedding:5');
    const benChannel = ben.channel('wedding:5', { broadcast: { ack: true } });
    await Promise.all([annaChannel.join(), benChannel.join()]);
    const retries = recordRetries(anna);

    await fixture.closeServer(first.server);
    const down = await statusWhere(anna, (status) => status.state === 'reconnecting' && status.attempt >= 3);
    expect(down.state).toBe('reconnecting');
    expect(annaChannel.state).toBe('errored');
    expect(retries[0]?.reason).toBe('SERVER_SHUTTING_DOWN');
    expect(retries.slice(1).every((retry) => retry.reason === 'CONNECTION_LOST')).toBe(true);
    retries.forEach((retry) => {
      expect(retry.delayMs).toBeLessThanOrEqual(backoffCeilingMs(retry.attempt, backoff));
    });

    await fixture.start({}, first.port);
    await Promise.all([channelState(annaChannel, 'joined', 10_000), channelState(benChannel, 'joined', 10_000)]);
    expect(anna.status).toMatchObject({ state: 'connected', nextRetryAtMs: null });
    const received = until<unknown>((resolve) => annaChannel.onBroadcast('hello', (payload) => resolve(payload)));
    await benChannel.broadcast('hello', { after: 'restart' });
    expect(await received).toEqual({ after: 'restart' });
  });
});
