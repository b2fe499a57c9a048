import { describe, expect, it } from 'vitest';
import { CLOSE_CODES, closeReasonForCode, ERROR_CODES, errorResponse, parseErrorReason } from '../src/index.ts';

describe('one table of error and close codes (DESIGN §4)', () => {
  it('every error code is SCREAMING_SNAKE with a default message', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(entry.message.length).toBeGreaterThan(0);
    }
  });

  it('close codes are unique and in the private 4000s', () => {
    const codes = Object.values(CLOSE_CODES).map((entry) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toBeGreaterThanOrEqual(4000);
    expect(closeReasonForCode(4002)).toBe('TOKEN_EXPIRED');
    expect(closeReasonForCode(1000)).toBeUndefined();
  });

  it('error responses round-trip through parseErrorReason with details', () => {
    const response = errorResponse('RATE_LIMITED', 'slow down', { retryAfterMs: 250 });
    expect(response.reason).toBe('RATE_LIMITED: slow down');
    expect(parseErrorReason(response)).toEqual({
      code: 'RATE_LIMITED',
      message: 'slow down',
      details: { retryAfterMs: 250 },
    });
    expect(parseErrorReason('FORBIDDEN: no').code).toBe('FORBIDDEN');
    expect(parseErrorReason({ reason: 'something else' }).code).toBe('UNKNOWN');
  });
});
