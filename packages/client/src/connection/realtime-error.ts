import { ERROR_CODES, type ErrorCode, isErrorCode, parseErrorReason } from '@wedsync/protocol';

/**
 * Every rejection the SDK produces. `code` is one of the protocol's ERROR_CODES, or `UNKNOWN` when a
 * server sent a reason without one of our codes (e.g. a Supabase server's `Unauthorized: …`).
 */
export class RealtimeError extends Error {
  readonly code: ErrorCode | 'UNKNOWN';
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode | 'UNKNOWN', message?: string, details: Record<string, unknown> = {}) {
    super(message ?? (code === 'UNKNOWN' ? 'Unknown error' : ERROR_CODES[code].message));
    this.name = 'RealtimeError';
    this.code = code;
    this.details = details;
  }

  /** True when trying the same thing later can succeed without the user acting. */
  get retryable(): boolean {
    return isErrorCode(this.code) ? ERROR_CODES[this.code].retryable : false;
  }

  /** Reads a `phx_reply` error response (`{ reason: "CODE: message", ...details }`). */
  static fromResponse(response: unknown): RealtimeError {
    const parsed = parseErrorReason(response);
    return new RealtimeError(parsed.code, parsed.message || undefined, parsed.details);
  }
}

/** True for codes that a fresh token may cure (R15.1). */
export function isTokenCode(code: string | null | undefined): boolean {
  return typeof code === 'string' && code.startsWith('TOKEN_');
}
