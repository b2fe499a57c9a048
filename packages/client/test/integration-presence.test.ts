import { afterEach, describe, expect, it } from 'vitest';
import type { PresenceEntry } from '../src/index.ts';
import { ServerFixture, signToken, until } from './server-fixture.ts';

const fixture = new ServerFixture();
afterEach(() => fixture.dispose());

describe('against the real server: presence (R4.3, acceptance scenario 10)', () => {
  it('R4.3 a peer sees join, active → idle, and leave', async () => {
    const { wsUrl } = await fixture.start();
    const anna = fixture.client({ url: wsUrl, token: await signToken('anna') });
    const ben = fixture.client({ url: wsUrl, token: await signToken('ben') });
    const watcher = ben.channel('wedding:7', { presence: { key: 'ben' } });
    const events: string[] = [];
    watcher.onPresence('join', (key, _current, joined) => events.push(`join ${key} ${String(joined[0]?.status)}`));
    watcher.onPresence('leave', (key) => events.push(`leave ${key}`));
    await watcher.join();

    const seen = (predicate: (entries: PresenceEntry[] | undefined) => boolean) =>
      until((resolve) => {
        if (predicate(watcher.presenceState().anna)) resolve();
        return watcher.onPresence('sync', () => {
          if (predicate(watcher.presenceState().anna)) resolve();
        });
      });

    const annaChannel = anna.channel('wedding:7', { presence: { key: 'anna' } });
    await annaChannel.join();
    const joined = seen((entries) => entries?.[0]?.status === 'active');
    await annaChannel.track({ name: 'Anna', status: 'active' });
    await joined;
    expect(watcher.presenceState().anna).toEqual([
      { name: 'Anna', status: 'active', presence_ref: expect.any(String) },
    ]);

    const idle = seen((entries) => entries?.length === 1 && entries[0]?.status === 'idle');
    await annaChannel.setStatus('idle');
    await idle;

    const gone = seen((entries) => entries === undefined);
    await annaChannel.leave();
    await gone;
    // An update is one diff: the new meta joins, then the old one leaves (Phoenix Presence order).
    expect(events).toEqual(['join anna active', 'join anna idle', 'leave anna', 'leave anna']);
  });

  it('R4.3 a client that drops is shown as gone, and shown again after it reconnects and re-tracks', async () => {
    const { wsUrl } = await fixture.start();
    const anna = fixture.client({
      url: wsUrl,
      token: await signToken('anna'),
      backoff: { baseMs: 20 },
      random: () => 0.5,
    });
    const ben = fixture.client({ url: wsUrl, token: await signToken('ben') });
    const watcher = ben.channel('wedding:8', { presence: { key: 'ben' } });
    await watcher.join();
    const annaChannel = anna.channel('wedding:8', { presence: { key: 'anna' } });
    await annaChannel.join();
    const present = () => watcher.presenceState().anna !== undefined;
    const presence = (wanted: boolean) =>
      until((resolve) => {
        if (present() === wanted) resolve();
        return watcher.onPresence('sync', () => {
          if (present() === wanted) resolve();
        });
      });
    await annaChannel.track({ status: 'active' });
    await presence(true);
    // A dead link: the manual reconnect drops the socket, so the server removes anna's presence.
    const away = presence(false);
    anna.reconnect();
    await away;
    await presence(true);
    expect(annaChannel.state).toBe('joined');
  });
});
