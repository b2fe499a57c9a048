import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeError } from '../src/index.ts';
import { scriptedClient } from './scripted-client.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 9_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('auth failures (R1.1, R15.1)', () => {
  it('R15.1 a 4001 close asks the provider for a fresh token once; a second refusal ends in error with no retry loop', async () => {
    let issued = 0;
    const provider = vi.fn(async () => `token-${++issued}`);
    const { client, ws, settle } = scriptedClient({ token: provider });
    client.connect();
    await settle();
    expect(new URL(ws.last().url).searchParams.get('apikey')).toBe('token-1');
    ws.last().open();
    ws.last().serverClose(4001, 'TOKEN_INVALID: The access token is malformed or its signature is wrong');
    await settle();
    expect(provider).toHaveBeenCalledTimes(2);
    expect(ws.sockets).toHaveLength(2);
    expect(new URL(ws.last().url).searchParams.get('apikey')).toBe('token-2');
    ws.last().open();
    ws.last().serverClose(4002, 'TOKEN_EXPIRED: The access token has expired');
    await settle();
    expect(client.status).toMatchObject({ state: 'error', reason: 'TOKEN_EXPIRED', nextRetryAtMs: null });
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(ws.sockets).toHaveLength(2);
    expect(provider).toHaveBeenCalledTimes(2);
    await client.close();
  });

  it('R15.1 with a fixed token an auth refusal goes straight to error; setToken() (re-login) reconnects', async () => {
    const { client, ws, connectOpen, settle } = scriptedClient({ token: 'old' });
    const socket = await connectOpen();
    socket.serverClose(4001, 'TOKEN_INVALID: bad signature');
    expect(client.status).toMatchObject({ state: 'error', reason: 'TOKEN_INVALID' });
    client.setToken('new');
    await settle();
    expect(ws.sockets).toHaveLength(2);
    expect(new URL(ws.last().url).searchParams.get('apikey')).toBe('new');
    await client.close();
  });

  it('R15.1 an HTTP 401 at the upgrade (seen by `ws` as an error text) counts as an auth refusal', async () => {
    const { client, ws, settle } = scriptedClient({ token: 'bad' });
    client.connect();
    await settle();
    ws.last().fail('Unexpected server response: 401');
    expect(client.status).toMatchObject({ state: 'error', reason: 'TOKEN_INVALID' });
    await client.close();
  });

  it('R15.1 a join refused with TOKEN_EXPIRED rejoins once with a fresh token, then surfaces the error', async () => {
    let issued = 0;
    const provider = vi.fn(async () => `token-${++issued}`);
    const { client, connectOpen, settle } = scriptedClient({ token: provider });
    const socket = await connectOpen();
    const channel = client.channel('supplier:1');
    const joined = channel.join();
    const outcome = joined.catch((error: unknown) => error);
    await settle();
    expect(socket.lastSent({ topic: 'supplier:1', event: 'phx_join' }).payload).toMatchObject({
      access_token: 'token-1',
    });
    socket.reply({ topic: 'supplier:1', event: 'phx_join' }, 'error', {
      reason: 'TOKEN_EXPIRED: The access token has expired',
    });
    await settle();
    expect(provider).toHaveBeenCalledTimes(2);
    const rejoin = socket.lastSent({ topic: 'supplier:1', event: 'phx_join' });
    expect(rejoin.payload).toMatchObject({ access_token: 'token-2' });
    socket.reply({ topic: 'supplier:1', event: 'phx_join' }, 'error', { reason: 'TOKEN_EXPIRED: still expired' });
    await settle();
    const error = await outcome;
    expect(error).toBeInstanceOf(RealtimeError);
    expect((error as RealtimeError).code).toBe('TOKEN_EXPIRED');
    expect(channel.state).toBe('closed');
    expect(client.status).toMatchObject({ state: 'error', reason: 'TOKEN_EXPIRED' });
    await client.close();
  });

  it('R1.1 an empty token is refused at construction with TOKEN_MISSING', () => {
    expect(() => scriptedClient({ token: '' })).toThrowError(expect.objectContaining({ code: 'TOKEN_MISSING' }));
  });
});
