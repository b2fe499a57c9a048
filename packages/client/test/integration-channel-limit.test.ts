import { afterEach, describe, expect, it } from 'vitest';
import { RealtimeError } from '../src/index.ts';
import { ServerFixture, signToken } from './server-fixture.ts';

const fixture = new ServerFixture();
afterEach(() => fixture.dispose());

const topics = (count: number, from = 1) => Array.from({ length: count }, (_, index) => `form:f${from + index}`);

describe('against the real server: at most 50 subscriptions (R2.4)', () => {
  it('R2.4 the 51st join evicts the least recently used idle channel, so the server never sees 51', async () => {
    const { server, wsUrl } = await fixture.start({ rateLimit: false });
    const client = fixture.client({ url: wsUrl, token: await signToken('busy') });
    const channels = topics(50).map((topic) => client.channel(topic));
    for (const channel of channels) await channel.join();
    expect(server.stats().memberships).toBe(50);
    // Use every channel except form:f7, so it is the least recently used.
    for (const channel of channels) if (channel.topic !== 'form:f7') await channel.broadcast('seen', {});
    const extra = client.channel('form:f51');
    await extra.join();
    expect(channels[6]).toMatchObject({ topic: 'form:f7', reason: 'EVICTED' });
    expect(['leaving', 'closed']).toContain(channels[6]!.state);
    expect(client.channels().filter((channel) => channel.wantsJoined)).toHaveLength(50);
    expect(server.stats().memberships).toBe(50);
  });

  it('R2.4 with every channel held by a scope, the 51st is refused locally with SUBSCRIPTION_LIMIT', async () => {
    const { server, wsUrl } = await fixture.start({ rateLimit: false });
    const client = fixture.client({ url: wsUrl, token: await signToken('pinned') });
    const scope = client.autoSubscribe(topics(50));
    const outcomes = await scope.ready;
    expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    const error = await client
      .channel('form:f51')
      .join()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ code: 'SUBSCRIPTION_LIMIT' });
    expect(server.stats().memberships).toBe(50);
  });

  it('R2.4 a client configured above the server limit gets the server refusal SUBSCRIPTION_LIMIT', async () => {
    const { wsUrl } = await fixture.start({ rateLimit: false, maxChannelsPerConnection: 3 });
    const client = fixture.client({ url: wsUrl, token: await signToken('greedy'), maxChannels: 10 });
    for (const topic of topics(3)) await client.channel(topic).join();
    const refused = client.channel('form:f4');
    const error = await refused.join().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'SUBSCRIPTION_LIMIT' });
    expect(refused.state).toBe('closed');
  });
});
