import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { ErrorCode } from '@wedsync/protocol';

export type Hs256Check =
  | { ok: true; payload: Record<string, unknown> }
  | { ok: false; code: ErrorCode & `TOKEN_${string}`; message: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Synchronous HS256 JWT verification with `node:crypto` (issue 9). jose verifies through WebCrypto,
 * whose HMAC runs as an async job with a thread-pool round trip: ~20 µs CPU per token and the largest
 * single item of the connect-storm profile. This accepts exactly what `jwtVerify(token, key,
 * { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'], currentDate, clockTolerance })` accepts
 * (checked against jose in hs256-verifier.test.ts), with one deliberate difference: a `crit` header is
 * refused (jose allows `crit: ["b64"]` with `b64: true`, which no issuer sends).
 * Order of checks as in jose: signature, claims set is a JSON object, `exp` then `sub` present,
 * `iat`/`nbf`/`exp` numeric, `nbf` not in the future, `exp` not passed (both with the tolerance).
 */
export class Hs256Verifier {
  private readonly key: KeyObject;

  constructor(secret: string) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  /** `header`: the token's already decoded protected header (its `alg` is HS256). Never throws. */
  verify(token: string, header: { crit?: unknown }, nowMs: number, clockToleranceSec: number): Hs256Check {
    if (header.crit !== undefined) return invalid('The token uses unsupported critical header parameters');
    const firstDot = token.indexOf('.');
    const secondDot = token.indexOf('.', firstDot + 1);
    if (firstDot < 0 || secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) return malformed();
    const expected = createHmac('sha256', this.key).update(token.slice(0, secondDot)).digest('base64url');
    const signature = token.slice(secondDot + 1);
    if (
      signature.length !== expected.length ||
      !timingSafeEqual(Buffer.from(signature, 'latin1'), Buffer.from(expected, 'latin1'))
    ) {
      return invalid('The token signature is wrong');
    }
    let claims: unknown;
    try {
      claims = JSON.parse(strictUtf8.decode(Buffer.from(token.slice(firstDot + 1, secondDot), 'base64url')));
    } catch {
      return malformed();
    }
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) return malformed();
    return checkClaims(claims as Record<string, unknown>, Math.floor(nowMs / 1000), clockToleranceSec);
  }
}

function checkClaims(claims: Record<string, unknown>, nowSec: number, toleranceSec: number): Hs256Check {
  for (const claim of ['exp', 'sub']) {
    if (!Object.hasOwn(claims, claim))
      return { ok: false, code: 'TOKEN_CLAIMS_MISSING', message: `The token lacks the "${claim}" claim` };
  }
  for (const claim of ['iat', 'nbf', 'exp']) {
    if (claims[claim] !== undefined && typeof claims[claim] !== 'number') return invalidClaim(claim);
  }
  if (typeof claims.nbf === 'number' && claims.nbf > nowSec + toleranceSec) return invalidClaim('nbf');
  if ((claims.exp as number) <= nowSec - toleranceSec)
    return { ok: false, code: 'TOKEN_EXPIRED', message: 'The access token has expired' };
  return { ok: true, payload: claims };
}

function invalid(message: string): Hs256Check {
  return { ok: false, code: 'TOKEN_INVALID', message };
}

function invalidClaim(claim: string): Hs256Check {
  return invalid(`The token's "${claim}" claim is invalid`);
}

function malformed(): Hs256Check {
  return invalid('The access token is malformed');
}
