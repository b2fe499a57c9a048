import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenVerifier } from '../src/auth/token-verifier.ts';
import { SECRET, signToken } from './engine-harness.ts';

afterEach(() => vi.restoreAllMocks());

describe('R1.1 the HS256 secret is imported once (issue 9, DESIGN §7)', () => {
  it('R1.1 verifies many tokens with a single WebCrypto key import, and still refuses a forged one', async () => {
    const tokens = await Promise.all(['u1', 'u2', 'u3', 'u4', 'u5'].map((sub) => signToken(sub)));
    const forged = await signToken('u1', { secret: new TextEncoder().encode('not-the-secret-not-the-secret-xx') });
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const verifier = new TokenVerifier({ jwtSecret: SECRET, nowMs: Date.now });

    const checks = await Promise.all([...tokens, ...tokens].map((token) => verifier.verify(token)));
    const refused = await verifier.verify(forged);

    expect(checks.map((check) => check.ok && check.claims.sub).join()).toBe('u1,u2,u3,u4,u5,u1,u2,u3,u4,u5');
    expect(refused).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
    expect(importKey.mock.calls.length).toBeLessThanOrEqual(1);
  });
});
