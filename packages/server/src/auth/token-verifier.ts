import type { ErrorCode } from '@wedsync/protocol';
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { Hs256Verifier } from './hs256-verifier.ts';

/**
 * Verifies user tokens (R1.1). HS256 with a shared `jwtSecret`, and/or RS256/ES256 with keys from a
 * JWKS endpoint (`jwksUrl`, fetched and cached by jose). Every token must carry `sub` and `exp`.
 * `alg: none` and any algorithm without a configured key are refused with TOKEN_ALG_NOT_ALLOWED.
 */
export interface TokenVerifierOptions {
  jwtSecret?: string;
  jwksUrl?: string;
  /** Injected clock (epoch ms) so tests can move time. */
  nowMs: () => number;
  /** Allowed clock skew in seconds for `exp`/`nbf`; default 0. */
  clockToleranceSec?: number;
}

export type TokenCheck =
  | { ok: true; claims: Record<string, unknown> & { sub: string; exp: number }; expMs: number }
  | { ok: false; code: ErrorCode; message: string };

const HMAC_ALGS = ['HS256'];
const JWKS_ALGS = ['RS256', 'ES256'];

export class TokenVerifier {
  /** HS256 is checked synchronously with the key imported once (issue 9); jose handles the JWKS algorithms. */
  private readonly secret: Hs256Verifier | undefined;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(private readonly options: TokenVerifierOptions) {
    this.secret = options.jwtSecret ? new Hs256Verifier(options.jwtSecret) : undefined;
    this.jwks = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : undefined;
    if (!this.secret && !this.jwks) throw new Error('createRealtimeServer needs jwtSecret and/or jwksUrl');
  }

  /** Never throws; every failure maps to one of the TOKEN_* codes (or SERVER_ERROR when the JWKS is unreachable). */
  async verify(token: string): Promise<TokenCheck> {
    const header = protectedHeaderOf(token);
    if (!header) return { ok: false, code: 'TOKEN_INVALID', message: 'The access token is not a JWT' };
    const { alg } = header;
    const useSecret = typeof alg === 'string' && HMAC_ALGS.includes(alg) && this.secret !== undefined;
    const useJwks = typeof alg === 'string' && JWKS_ALGS.includes(alg) && this.jwks !== undefined;
    if (!useSecret && !useJwks) {
      return {
        ok: false,
        code: 'TOKEN_ALG_NOT_ALLOWED',
        message: `Tokens signed with "${alg ?? 'none'}" are not accepted`,
      };
    }
    const nowMs = this.options.nowMs();
    const clockToleranceSec = this.options.clockToleranceSec ?? 0;
    let payload: JWTPayload;
    if (useSecret) {
      const check = this.secret!.verify(token, header, nowMs, clockToleranceSec);
      if (!check.ok) return check;
      payload = check.payload;
    } else {
      const verifyOptions = {
        algorithms: JWKS_ALGS,
        requiredClaims: ['sub', 'exp'],
        currentDate: new Date(nowMs),
        clockTolerance: clockToleranceSec,
      };
      try {
        payload = (await jwtVerify(token, this.jwks!, verifyOptions)).payload;
      } catch (error) {
        return mapJoseError(error);
      }
    }
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || typeof payload.exp !== 'number') {
      return { ok: false, code: 'TOKEN_CLAIMS_MISSING', message: 'The token needs a string "sub" and a numeric "exp"' };
    }
    return {
      ok: true,
      claims: payload as Record<string, unknown> & { sub: string; exp: number },
      expMs: payload.exp * 1000,
    };
  }
}

/**
 * The protected header of a compact JWS (3 segments) or JWE (5), as jose's `decodeProtectedHeader`
 * reads it (a JSON object in base64url), without its stricter base64 decoder (a malformed token fails
 * later anyway); undefined when it is not one.
 */
function protectedHeaderOf(token: string): { alg?: unknown; crit?: unknown } | undefined {
  const firstDot = token.indexOf('.');
  if (firstDot <= 0) return undefined;
  let segments = 1;
  for (let index = firstDot; index >= 0; index = token.indexOf('.', index + 1)) segments++;
  if (segments !== 3 && segments !== 5) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, firstDot), 'base64url').toString('utf8'));
    return header !== null && typeof header === 'object' && !Array.isArray(header) ? header : undefined;
  } catch {
    return undefined;
  }
}

function mapJoseError(error: unknown): TokenCheck & { ok: false } {
  if (error instanceof errors.JWTExpired)
    return { ok: false, code: 'TOKEN_EXPIRED', message: 'The access token has expired' };
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') {
      return { ok: false, code: 'TOKEN_CLAIMS_MISSING', message: `The token lacks the "${error.claim}" claim` };
    }
    return { ok: false, code: 'TOKEN_INVALID', message: `The token's "${error.claim}" claim is invalid` };
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return { ok: false, code: 'TOKEN_ALG_NOT_ALLOWED', message: 'The token signing algorithm is not allowed' };
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || isFetchFailure(error)) {
    return { ok: false, code: 'SERVER_ERROR', message: 'The signing keys could not be fetched' };
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return { ok: false, code: 'TOKEN_INVALID', message: 'The token signature is wrong' };
  }
  return { ok: false, code: 'TOKEN_INVALID', message: 'The access token is malformed' };
}

function isFetchFailure(error: unknown): boolean {
  return error instanceof TypeError && /fetch/i.test(error.message);
}
