import { afterEach, describe, expect, it, vi } from 'vitest';
import { RealtimeError } from '../src/index.ts';
import { ServerFixture, signToken, statusWhere } from './server-fixture.ts';

const fixture = new ServerFixture();
afterEach(() => fixture.dispose());

describe('against the real server: refusals surface with their code (R2.2, R15.1)', () => {
  it('R2.2 a join the server refuses rejects with FORBIDDEN and the channel stays closed', async () => {
    const { wsUrl } = await fixture.start({
      hooks: {
        authorizeJoin: ({ user, topic }) =>
          topic === 'supplier:2' && user.id !== 'owner-2'
            ? { ok: false, code: 'FORBIDDEN', message: 'Not a member of supplier 2' }
            : true,
      },
    });
    const client = fixture.client({ url: wsUrl, token: await signToken('owner-1') });
    await client.channel('supplier:1').join();
    const refused = client.channel('supplier:2');
    const error = await refused.join().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ code: 'FORBIDDEN', message: 'Not a member of supplier 2' });
    expect(refused).toMatchObject({ state: 'closed', reason: 'FORBIDDEN' });
    expect(client.status.state).toBe('connected');
  });

  it('R15.1 a token the server rejects: one fresh token is tried, then state error with the code (no retry loop)', async () => {
    const { wsUrl } = await fixture.start();
    const wrongKey = new TextEncoder().encode('not-the-server-secret-000000000000');
    const provider = vi.fn(() => signToken('mallory', { secret: wrongKey }));
    const client = fixture.client({ url: wsUrl, token: provider, backoff: { baseMs: 10 } });
    client.connect();
    const failed = await statusWhere(client, (status) => status.state === 'error');
    expect(failed.reason).toBe('TOKEN_INVALID');
    expect(provider).toHaveBeenCalledTimes(2);
    expect(failed.nextRetryAtMs).toBeNull();
  });

  it('R15.1 an expired token gets TOKEN_EXPIRED after a fresh one is also refused', async () => {
    const { wsUrl } = await fixture.start();
    const provider = vi.fn(() => signToken('old-session', { expiresInSec: -10 }));
    const client = fixture.client({ url: wsUrl, token: provider });
    client.connect();
    const failed = await statusWhere(client, (status) => status.state === 'error');
    expect(failed.reason).toBe('TOKEN_EXPIRED');
    expect(provider).toHaveBeenCalledTimes(2);
  });
});
