import type { ErrorCode } from '@wedsync/protocol';

/** The error codes a merge can refuse with (all from `ERROR_CODES`). */
export type MergeErrorCode = Extract<ErrorCode, 'VALIDATION_FAILED' | 'UNKNOWN_FIELD' | 'UNKNOWN_COLLECTION'>;

/**
 * A refusal of one mutation (bad op, unknown field, wrong kind). Storage turns it into a `rejected`
 * result for that mutation only; it never means the data is inconsistent.
 */
export class MergeError extends Error {
  readonly code: MergeErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: MergeErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'MergeError';
    this.code = code;
    this.details = details;
  }
}

export function isMergeError(error: unknown): error is MergeError {
  return error instanceof MergeError;
}
