import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { errors, jwtVerify } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenVerifier } from '../src/auth/token-verifier.ts';
import { SECRET } from './engine-harness.ts';

const NOW_MS = 1_800_000_000_000;
const NOW_SEC = NOW_MS / 1000;
const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** A compact JWS over any header and payload text, signed with HMAC-SHA256. */
function rawToken(payloadText: string, header: object = { alg: 'HS256' }, secret = SECRET): string {
  const input = `${b64(JSON.stringify(header))}.${b64(payloadText)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** The outcome jose's jwtVerify gives (the verifier's previous HS256 path), with TokenVerifier's own claim checks after it. */
async function joseOutcome(token: string, clockToleranceSec: number): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(SECRET), {
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp'],
      currentDate: new Date(NOW_MS),
      clockTolerance: clockToleranceSec,
    });
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || typeof payload.exp !== 'number')
      return 'TOKEN_CLAIMS_MISSING';
    return `ok:${payload.sub}`;
  } catch (error) {
    if (error instanceof errors.JWTExpired) return 'TOKEN_EXPIRED';
    if (error instanceof errors.JWTClaimValidationFailed && error.reason === 'missing') return 'TOKEN_CLAIMS_MISSING';
    return 'TOKEN_INVALID';
  }
}

async function ourOutcome(token: string, clockToleranceSec: number): Promise<string> {
  const verifier = new TokenVerifier({ jwtSecret: SECRET, nowMs: () => NOW_MS, clockToleranceSec });
  const check = await verifier.verify(token);
  return check.ok ? `ok:${check.claims.sub}` : check.code;
}

afterEach(() => vi.restoreAllMocks());

const claims = (extra: Record<string, unknown>) => JSON.stringify({ sub: 'u1', exp: NOW_SEC + 60, ...extra });

const CASES: Array<[string, string, number?]> = [
  ['valid', rawToken(claims({ name: 'Emma' }))],
  ['valid with typ and kid', rawToken(claims({}), { alg: 'HS256', typ: 'JWT', kid: 'k1' })],
  ['signed with another secret', rawToken(claims({}), { alg: 'HS256' }, 'not-the-secret-not-the-secret-xx')],
  [
    'payload swapped after signing',
    `${rawToken(claims({})).split('.')[0]}.${b64(claims({ sub: 'admin' }))}.${rawToken(claims({})).split('.')[2]}`,
  ],
  ['signature cut', rawToken(claims({})).slice(0, -2)],
  ['empty signature', `${rawToken(claims({})).split('.').slice(0, 2).join('.')}.`],
  ['four segments', `${rawToken(claims({}))}.x`],
  ['expired', rawToken(claims({ exp: NOW_SEC - 1 }))],
  ['expires this second', rawToken(claims({ exp: NOW_SEC }))],
  ['expired within the tolerance', rawToken(claims({ exp: NOW_SEC - 3 })), 5],
  ['not before in the future', rawToken(claims({ nbf: NOW_SEC + 10 }))],
  ['not before within the tolerance', rawToken(claims({ nbf: NOW_SEC + 3 })), 5],
  ['not before as a string', rawToken(claims({ nbf: String(NOW_SEC) }))],
  ['issued at as a string', rawToken(claims({ iat: 'yesterday' }))],
  ['exp as a string', rawToken(claims({ exp: String(NOW_SEC + 60) }))],
  ['exp null', rawToken(claims({ exp: null }))],
  ['no exp', rawToken(JSON.stringify({ sub: 'u1' }))],
  ['no sub', rawToken(JSON.stringify({ exp: NOW_SEC + 60 }))],
  ['numeric sub', rawToken(claims({ sub: 42 }))],
  ['empty sub', rawToken(claims({ sub: '' }))],
  ['payload not JSON', rawToken('{"sub":"u1",')],
  ['payload an array', rawToken('[1,2]')],
  ['payload null', rawToken('null')],
  ['payload a string', rawToken('"u1"')],
];

describe('R1.1 synchronous HS256 verification accepts and refuses exactly what jose does (issue 9)', () => {
  it.each(CASES)('R1.1 %s', async (_name, token, tolerance = 0) => {
    expect(await ourOutcome(token, tolerance)).toBe(await joseOutcome(token, tolerance));
  });

  it.each([
    ['no dot', 'abc', 'TOKEN_INVALID'],
    ['header not base64 JSON', `${b64('{"alg":')}.${b64('{}')}.x`, 'TOKEN_INVALID'],
    ['header an array', `${b64('["HS256"]')}.${b64('{}')}.x`, 'TOKEN_INVALID'],
    ['two segments', `${b64('{"alg":"HS256"}')}.${b64('{}')}`, 'TOKEN_INVALID'],
    ['alg none', `${b64('{"alg":"none"}')}.${b64(claims({}))}.`, 'TOKEN_ALG_NOT_ALLOWED'],
    ['alg a number', `${b64('{"alg":256}')}.${b64(claims({}))}.x`, 'TOKEN_ALG_NOT_ALLOWED'],
    ['no alg', `${b64('{"typ":"JWT"}')}.${b64(claims({}))}.x`, 'TOKEN_ALG_NOT_ALLOWED'],
    ['a JWE (five segments)', `${b64('{"alg":"RSA-OAEP","enc":"A256GCM"}')}.a.b.c.d`, 'TOKEN_ALG_NOT_ALLOWED'],
  ])('R1.1 reads the protected header as before: %s → %s', async (_name, token, code) => {
    expect(await ourOutcome(token, 0)).toBe(code);
  });

  it('R1.1 checks HS256 synchronously, without a WebCrypto job per token', async () => {
    const subtleVerify = vi.spyOn(crypto.subtle, 'verify');
    expect(await ourOutcome(rawToken(claims({})), 0)).toBe('ok:u1');
    expect(subtleVerify).not.toHaveBeenCalled();
  });

  it('R1.1 refuses a token with a crit header (jose would accept crit ["b64"] with b64 true)', async () => {
    const token = rawToken(claims({}), { alg: 'HS256', crit: ['b64'], b64: true });
    expect(await ourOutcome(token, 0)).toBe('TOKEN_INVALID');
  });

  it(`R1.1 agrees with jose on random claim sets (seed ${seed})`, async () => {
    console.log(`auth-hs256-verifier seed: ${seed} (rerun with FC_SEED=${seed})`);
    const value = fc.oneof(
      fc.constant(undefined),
      fc.integer({ min: NOW_SEC - 20, max: NOW_SEC + 20 }),
      fc.double({ min: NOW_SEC - 20, max: NOW_SEC + 20, noNaN: true }),
      fc.string({ maxLength: 3 }),
      fc.constantFrom(null, true, [], {}),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({ sub: value, exp: value, nbf: value, iat: value }),
        fc.integer({ min: 0, max: 10 }),
        async (claimSet, tolerance) => {
          const token = rawToken(JSON.stringify(claimSet));
          expect(await ourOutcome(token, tolerance)).toBe(await joseOutcome(token, tolerance));
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it(`R1.1 a token with one character changed is never accepted where jose refuses it (seed ${seed})`, async () => {
    const token = rawToken(claims({ name: 'Emma' }));
    await fc.assert(
      fc.asyncProperty(fc.nat(token.length - 1), fc.constantFrom(...'AQgw_-.xZ0'), async (index, char) => {
        const changed = `${token.slice(0, index)}${char}${token.slice(index + 1)}`;
        const ours = await ourOutcome(changed, 0);
        if (ours.startsWith('ok')) expect(await joseOutcome(changed, 0)).toBe(ours);
      }),
      { seed, numRuns: 200 },
    );
  });
});
