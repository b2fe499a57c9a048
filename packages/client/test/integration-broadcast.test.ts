import { afterEach, describe, expect, it } from 'vitest';
import { ServerFixture, signToken, statusWhere, until } from './server-fixture.ts';

const fixture = new ServerFixture();
afterEach(() => fixture.dispose());

describe('against the real server: connect, join, broadcast (R1.1, R1.5, R2.2)', () => {
  it('R1.1 two clients connect with their tokens, join one topic and exchange broadcasts (acked, self)', async () => {
    const { wsUrl } = await fixture.start();
    const anna = fixture.client({ url: wsUrl, token: await signToken('anna') });
    const ben = fixture.client({ url: wsUrl, token: () => signToken('ben') });
    const annaChannel = anna.channel('wedding:42', { broadcast: { ack: true, self: true } });
    const benChannel = ben.channel('wedding:42');
    await Promise.all([annaChannel.join(), benChannel.join()]);
    const connected = await statusWhere(anna, (status) => status.state === 'connected' && status.latencyMs !== null);
    expect(connected.latencyMs).toBeGreaterThanOrEqual(0);

    const benGot = until<unknown>((resolve) => benChannel.onBroadcast('note', (payload) => resolve(payload)));
    const annaGotOwn = until<unknown>((resolve) => annaChannel.onBroadcast('note', (payload) => resolve(payload)));
    await annaChannel.broadcast('note', { text: 'Venue confirmed', by: 'anna' });
    expect(await benGot).toEqual({ text: 'Venue confirmed', by: 'anna' });
    expect(await annaGotOwn).toEqual({ text: 'Venue confirmed', by: 'anna' });

    const annaGot = until<unknown>((resolve) => annaChannel.onBroadcast('*', (payload) => resolve(payload)));
    await benChannel.broadcast('reply', { text: 'Thanks!' });
    expect(await annaGot).toEqual({ text: 'Thanks!' });
  });

  it('R2.2 a push to a custom event the server does not know is refused with its code, not a hang', async () => {
    const { wsUrl } = await fixture.start();
    const client = fixture.client({ url: wsUrl, token: await signToken('carl') });
    const channel = client.channel('supplier:1');
    await channel.join();
    const error = await channel.push('no_such_event', {}).catch((caught: { code: string }) => caught);
    expect(error).toMatchObject({ code: 'UNKNOWN_EVENT' });
  });
});
