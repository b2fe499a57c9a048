import { CLOSE_CODES, parseErrorReason } from '@wedsync/protocol';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, SECRET, signToken } from './engine-harness.ts';

const harness = new Harness();
afterEach(() => harness.dispose());

async function closeOf(token: string) {
  const { wsUrl } = await harness.start();
  const client = await harness.connect(wsUrl, { token });
  return client.closed;
}

describe('R1.1 tokens are verified at connect', () => {
  it('R1.1 accepts a valid HS256 token and answers on the socket', async () => {
    const { wsUrl } = await harness.start();
    const client = await harness.connect(wsUrl, { token: await signToken('u1') });
    const reply = await client.join('realtime:room');
    expect(reply.payload.status).toBe('ok');
  });

  it('R1.1 closes a forged token (signed with another secret) with TOKEN_INVALID', async () => {
    const forged = await signToken('u1', { secret: new TextEncoder().encode('not-the-secret-not-the-secret-xx') });
    const closed = await closeOf(forged);
    expect(closed.code).toBe(CLOSE_CODES.TOKEN_INVALID.code);
    expect(parseErrorReason(closed.reason).code).toBe('TOKEN_INVALID');
  });

  it('R1.1 closes an expired token with TOKEN_EXPIRED (4002)', async () => {
    const closed = await closeOf(await signToken('u1', { expiresInSec: -10 }));
    expect(closed.code).toBe(CLOSE_CODES.TOKEN_EXPIRED.code);
    expect(closed.reason).toMatch(/^TOKEN_EXPIRED: /);
  });

  it('R1.1 closes an alg:none token with TOKEN_ALG_NOT_ALLOWED', async () => {
    const unsecured = new UnsecuredJWT({}).setSubject('u1').setExpirationTime('1h').encode();
    const closed = await closeOf(unsecured);
    expect(closed.code).toBe(CLOSE_CODES.TOKEN_INVALID.code);
    expect(parseErrorReason(closed.reason).code).toBe('TOKEN_ALG_NOT_ALLOWED');
  });

  it('R1.1 closes a token of an algorithm without a configured key (HS512) with TOKEN_ALG_NOT_ALLOWED', async () => {
    const hs512 = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('u1')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET.repeat(2)));
    expect(parseErrorReason((await closeOf(hs512)).reason).code).toBe('TOKEN_ALG_NOT_ALLOWED');
  });

  it('R1.1 closes a token without sub with TOKEN_CLAIMS_MISSING', async () => {
    const closed = await closeOf(await signToken(undefined));
    expect(parseErrorReason(closed.reason).code).toBe('TOKEN_CLAIMS_MISSING');
  });

  it('R1.1 closes garbage with TOKEN_INVALID', async () => {
    const closed = await closeOf('not.a.jwt');
    expect(parseErrorReason(closed.reason).code).toBe('TOKEN_INVALID');
  });

  it('R1.1 closes an unsupported vsn with UNSUPPORTED_VERSION', async () => {
    const { wsUrl } = await harness.start();
    const client = await harness.connect(wsUrl, { token: await signToken('u1'), vsn: '3.0.0' });
    const closed = await client.closed;
    expect(closed.code).toBe(CLOSE_CODES.UNSUPPORTED_VERSION.code);
  });
});

describe('R1.1 tokens in the join payload (Supabase access_token)', () => {
  it('R1.1 refuses a join without any token with TOKEN_MISSING', async () => {
    const { wsUrl } = await harness.start();
    const client = await harness.connect(wsUrl);
    const reply = await client.join('realtime:room');
    expect(reply.payload.status).toBe('error');
    expect(parseErrorReason(reply.payload.response).code).toBe('TOKEN_MISSING');
  });

  it('R1.1 accepts the token in access_token of the join payload', async () => {
    const { wsUrl, server } = await harness.start();
    const client = await harness.connect(wsUrl);
    const reply = await client.join('realtime:room', { access_token: await signToken('u7', { name: 'Uma' }) });
    expect(reply.payload.status).toBe('ok');
    expect(server.localMembers('room').map((member) => member.user)).toMatchObject([{ id: 'u7', name: 'Uma' }]);
  });

  it('R1.1 refuses a join whose token is forged, expired or of another user, with its code', async () => {
    const { wsUrl } = await harness.start();
    const client = await harness.connect(wsUrl, { token: await signToken('u1') });
    const forged = await signToken('u1', { secret: new TextEncoder().encode('x'.repeat(40)) });
    const codeOf = async (token: string) =>
      parseErrorReason((await client.join('realtime:room', { access_token: token })).payload.response).code;
    expect(await codeOf(forged)).toBe('TOKEN_INVALID');
    expect(await codeOf(await signToken('u1', { expiresInSec: -5 }))).toBe('TOKEN_EXPIRED');
    expect(await codeOf(await signToken('someone-else'))).toBe('TOKEN_INVALID');
    const ok = await client.join('realtime:room', { access_token: await signToken('u1') });
    expect(ok.payload.status).toBe('ok');
  });
});
