import { ERROR_CODES, type ErrorCode, isErrorCode } from '@wedsync/protocol';
import type { FastifyReply } from 'fastify';

/** A refusal of an API request: a protocol error code and a message for people. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
  ) {
    super(message ?? ERROR_CODES[code].message);
  }
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  TOKEN_MISSING: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_ALG_NOT_ALLOWED: 401,
  TOKEN_CLAIMS_MISSING: 401,
  FORBIDDEN: 403,
  READ_ONLY: 403,
  RIGHTS_REVOKED: 403,
  RECORD_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 404,
  UNKNOWN_COLLECTION: 404,
  VALIDATION_FAILED: 400,
  TOPIC_INVALID: 400,
  UNKNOWN_FIELD: 400,
  PAYLOAD_TOO_LARGE: 413,
  FIELD_LOCKED: 409,
  RECORD_LOCKED: 409,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  STORAGE_UNAVAILABLE: 503,
  SERVER_SHUTTING_DOWN: 503,
};

/** HTTP status of an error code (500 for anything unexpected). */
export function statusOf(code: string): number {
  return isErrorCode(code) ? (STATUS[code] ?? 500) : 500;
}

/** Sends `{ error: { code, message } }` with the code's status; returns the reply for the handler. */
export function sendError(reply: FastifyReply, code: ErrorCode, message?: string): FastifyReply {
  return reply.code(statusOf(code)).send({ error: { code, message: message ?? ERROR_CODES[code].message } });
}

/**
 * Runs a handler and turns an `ApiError` into its response; anything else is logged and answered
 * as STORAGE_UNAVAILABLE (the usual cause: the database is down), never a hang or a stack trace.
 */
export async function answer<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError) return sendError(reply, error.code, error.message);
    reply.log.error({ err: error }, 'API request failed');
    return sendError(reply, 'STORAGE_UNAVAILABLE');
  }
}
