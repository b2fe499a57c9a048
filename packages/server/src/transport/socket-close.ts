import { CLOSE_CODES, type CloseReason, ERROR_CODES, type ErrorCode } from '@wedsync/protocol';
import type { WebSocket } from 'ws';

/** WebSocket close reasons are limited to 123 UTF-8 bytes (RFC 6455 §5.5). */
const MAX_CLOSE_REASON_BYTES = 123;

/** A reason for closing a socket: an error code, or a close-only reason such as HEARTBEAT_TIMEOUT. */
export type SocketCloseCode = ErrorCode | CloseReason;

/** The close code for an error code: its own entry in CLOSE_CODES, else the closest one (token errors → TOKEN_INVALID). */
export function closeCodeFor(code: SocketCloseCode): number {
  if (Object.hasOwn(CLOSE_CODES, code)) return CLOSE_CODES[code as CloseReason].code;
  if (code.startsWith('TOKEN_')) return CLOSE_CODES.TOKEN_INVALID.code;
  if (code === 'PAYLOAD_TOO_LARGE') return 1009;
  return CLOSE_CODES.SERVER_ERROR.code;
}

/** `"CODE: message"`, cut to fit a close frame without splitting a UTF-8 sequence. */
export function closeReasonText(code: SocketCloseCode, message?: string): string {
  const fallback = Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code as ErrorCode].message : code;
  let text = `${code}: ${message ?? fallback}`;
  while (Buffer.byteLength(text) > MAX_CLOSE_REASON_BYTES) text = text.slice(0, -1);
  return text;
}

/** Closes with our code and a reason browsers can read (`CloseEvent.reason`). Never throws. */
export function closeSocket(socket: WebSocket, code: SocketCloseCode, message?: string): void {
  try {
    socket.close(closeCodeFor(code), closeReasonText(code, message));
  } catch {
    socket.terminate();
  }
}
