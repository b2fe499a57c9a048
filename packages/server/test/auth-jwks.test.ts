import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLOSE_CODES, parseErrorReason } from '@wedsync/protocol';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from './engine-harness.ts';

const harness = new Harness();
let jwksServer: Server;
let jwksUrl: string;
let rsaKey: CryptoKey;
let ecKey: CryptoKey;
let strangerKey: CryptoKey;
let jwksRequests = 0;

beforeAll(async () => {
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const stranger = await generateKeyPair('RS256');
  rsaKey = rsa.privateKey;
  ecKey = ec.privateKey;
  strangerKey = stranger.privateKey;
  const keys: JWK[] = [
    { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
  ];
  jwksServer = createServer((_request, response) => {
    jwksRequests++;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
  return () => new Promise<void>((resolve) => jwksServer.close(() => resolve()));
});
afterEach(() => harness.dispose());

const sign = (key: CryptoKey, alg: string, kid: string, sub = 'u1') =>
  new SignJWT({}).setProtectedHeader({ alg, kid }).setSubject(sub).setExpirationTime('1h').sign(key);

describe('R1.1 asymmetric tokens via a JWKS endpoint', () => {
  it('R1.1 accepts RS256 and ES256 tokens whose keys the JWKS endpoint serves', async () => {
    const { wsUrl, server } = await harness.start({ jwtSecret: undefined, jwksUrl });
    const rsaClient = await harness.connect(wsUrl, { token: await sign(rsaKey, 'RS256', 'rsa-1', 'rsa-user') });
    const ecClient = await harness.connect(wsUrl, { token: await sign(ecKey, 'ES256', 'ec-1', 'ec-user') });
    expect((await rsaClient.join('realtime:room')).payload.status).toBe('ok');
    expect((await ecClient.join('realtime:room')).payload.status).toBe('ok');
    expect(
      server
        .localMembers('room')
        .map((member) => member.user.id)
        .sort(),
    ).toEqual(['ec-user', 'rsa-user']);
    expect(jwksRequests).toBeGreaterThan(0);
  });

  it('R1.1 refuses an RS256 token signed by a key the JWKS does not hold with TOKEN_INVALID', async () => {
    const { wsUrl } = await harness.start({ jwtSecret: undefined, jwksUrl });
    const client = await harness.connect(wsUrl, { token: await sign(strangerKey, 'RS256', 'rsa-1') });
    const closed = await client.closed;
    expect(closed.code).toBe(CLOSE_CODES.TOKEN_INVALID.code);
    expect(parseErrorReason(closed.reason).code).toBe('TOKEN_INVALID');
  });

  it('R1.1 refuses HS256 when only a JWKS is configured (no algorithm confusion)', async () => {
    const { wsUrl } = await harness.start({ jwtSecret: undefined, jwksUrl });
    const hs = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('k'.repeat(32)));
    const client = await harness.connect(wsUrl, { token: hs });
    expect(parseErrorReason((await client.closed).reason).code).toBe('TOKEN_ALG_NOT_ALLOWED');
  });
});
