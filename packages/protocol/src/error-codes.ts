/**
 * The one table of error codes (DESIGN §4). Every refusal the server sends names one of these codes,
 * in `phx_reply` responses as `{ reason: "CODE: message", ...details }` (the Supabase Realtime shape,
 * so `@supabase/realtime-js` shows the reason unchanged) and in close frames as the close reason.
 *
 * `retryable` tells clients whether repeating the same request later can succeed without the user acting.
 */
export const ERROR_CODES = {
  TOKEN_MISSING: { retryable: false, message: 'No access token was given' },
  TOKEN_INVALID: { retryable: false, message: 'The access token is malformed or its signature is wrong' },
  TOKEN_EXPIRED: { retryable: false, message: 'The access token has expired' },
  TOKEN_ALG_NOT_ALLOWED: { retryable: false, message: 'The token signing algorithm is not allowed' },
  TOKEN_CLAIMS_MISSING: { retryable: false, message: 'The token lacks a required claim (sub, exp)' },
  ORIGIN_NOT_ALLOWED: { retryable: false, message: 'This Origin may not connect' },
  CONNECTION_LIMIT: { retryable: true, message: 'Too many connections for this user' },
  UNSUPPORTED_VERSION: { retryable: false, message: 'Unsupported serializer or protocol version' },
  MALFORMED_FRAME: { retryable: false, message: 'The frame could not be decoded' },
  PAYLOAD_TOO_LARGE: { retryable: false, message: 'The message exceeds the maximum payload size' },
  UNKNOWN_EVENT: { retryable: false, message: 'Unknown event for this topic' },
  UNMATCHED_TOPIC: { retryable: false, message: 'unmatched topic' },
  TOPIC_INVALID: { retryable: false, message: 'The topic name is malformed' },
  FORBIDDEN: { retryable: false, message: 'You may not access this topic' },
  RIGHTS_REVOKED: { retryable: false, message: 'You no longer have access to this topic' },
  READ_ONLY: { retryable: false, message: 'You may read but not write on this topic' },
  SUBSCRIPTION_LIMIT: { retryable: false, message: 'Too many channels on this connection (max 50)' },
  RATE_LIMITED: { retryable: true, message: 'Too many messages; slow down' },
  VALIDATION_FAILED: { retryable: false, message: 'The message payload is invalid' },
  FIELD_LOCKED: { retryable: true, message: 'The field is being edited by someone else' },
  RECORD_LOCKED: { retryable: true, message: 'The record is being edited by someone else' },
  LOCK_NOT_HELD: { retryable: false, message: 'You do not hold this lock' },
  CONFLICT: { retryable: false, message: 'The value changed since you began editing' },
  RECORD_NOT_FOUND: { retryable: false, message: 'No such record' },
  VERSION_NOT_FOUND: { retryable: false, message: 'No such version of the record' },
  UNKNOWN_COLLECTION: { retryable: false, message: 'No such collection' },
  UNKNOWN_FIELD: { retryable: false, message: 'No such field in the collection' },
  RESYNC_REQUIRED: { retryable: false, message: 'The gap is too old to replay; a fresh snapshot follows' },
  STORAGE_UNAVAILABLE: { retryable: true, message: 'The database is unavailable' },
  SERVER_SHUTTING_DOWN: { retryable: true, message: 'The server is restarting' },
  SERVER_ERROR: { retryable: true, message: 'Internal server error' },
  // Raised locally by the client SDK (never sent by the server).
  TIMEOUT: { retryable: true, message: 'No reply arrived in time' },
  CONNECTION_LOST: { retryable: true, message: 'The connection dropped before a reply arrived' },
  PUSH_BUFFER_FULL: { retryable: true, message: 'Too many messages are waiting for the channel to join' },
  CHANNEL_CLOSED: { retryable: false, message: 'The channel is not joined' },
  CLIENT_CLOSED: { retryable: false, message: 'The client was closed' },
} as const satisfies Record<string, { retryable: boolean; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** A refusal as it travels in a `phx_reply` with `status: "error"`. */
export interface ErrorResponse {
  reason: string;
  [detail: string]: unknown;
}

/** Builds `{ reason: "CODE: message", ...details }`; the default message comes from the table. */
export function errorResponse(code: ErrorCode, message?: string, details: Record<string, unknown> = {}): ErrorResponse {
  return { ...details, reason: `${code}: ${message ?? ERROR_CODES[code].message}` };
}

export interface ParsedError {
  /** Our code, or `UNKNOWN` when the peer sent a reason without one of our codes. */
  code: ErrorCode | 'UNKNOWN';
  message: string;
  details: Record<string, unknown>;
}

/** Reads a `phx_reply` error response, a close reason or a `system` message text back into code + message. */
export function parseErrorReason(input: unknown): ParsedError {
  const response = typeof input === 'string' ? { reason: input } : (input as Record<string, unknown> | null);
  const reason = typeof response?.reason === 'string' ? response.reason : '';
  const { reason: _ignored, ...details } = response ?? {};
  const match = /^([A-Z][A-Z0-9_]*): ?(.*)$/s.exec(reason);
  if (match && isErrorCode(match[1])) return { code: match[1], message: match[2] ?? '', details };
  return { code: 'UNKNOWN', message: reason, details };
}

/**
 * WebSocket close codes in the private 4000s range. 1000/1001 keep their standard meaning.
 * Clients reconnect after every close except those marked `reconnect: false`, which need the user
 * (a new login) or a code change.
 */
export const CLOSE_CODES = {
  TOKEN_INVALID: { code: 4001, reconnect: false },
  TOKEN_EXPIRED: { code: 4002, reconnect: false },
  ORIGIN_NOT_ALLOWED: { code: 4003, reconnect: false },
  HEARTBEAT_TIMEOUT: { code: 4004, reconnect: true },
  MALFORMED_FRAME: { code: 4005, reconnect: true },
  UNSUPPORTED_VERSION: { code: 4006, reconnect: false },
  CONNECTION_LIMIT: { code: 4009, reconnect: true },
  SERVER_SHUTTING_DOWN: { code: 4010, reconnect: true },
  SERVER_ERROR: { code: 4011, reconnect: true },
  RATE_LIMITED: { code: 4029, reconnect: true },
} as const satisfies Record<string, { code: number; reconnect: boolean }>;

export type CloseReason = keyof typeof CLOSE_CODES;

export function closeReasonForCode(code: number): CloseReason | undefined {
  return (Object.keys(CLOSE_CODES) as CloseReason[]).find((name) => CLOSE_CODES[name].code === code);
}
