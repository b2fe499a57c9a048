import { z } from 'zod';

/**
 * HTTP long-poll transport (R15.1): the same Phoenix frames as the WebSocket, carried over HTTP
 * (modelled on Phoenix's LongPoll transport). See docs/protocol.md "Long-poll transport".
 *
 * - `GET  …/longpoll?vsn=&apikey=` (no `token`) opens a session → `{status: 410, token, …}`.
 * - `GET  …/longpoll?token=&ack=` polls: frames (`200`), nothing before the server's timeout (`204`),
 *   or the end of the session (`status` = a WebSocket close code ≥ 1000 with its reason).
 * - `POST …/longpoll?token=` sends frames, one per line (`text/plain` or `application/x-ndjson`); a binary
 *   frame as the line `{"b":"<base64>"}`.
 * - `DELETE …/longpoll?token=` ends the session.
 */
export const LONG_POLL_PATHS = ['/socket/longpoll', '/realtime/v1/longpoll'] as const;

/** One delivered frame: a text frame as is, or a binary frame as base64 in `b`. */
export type LongPollMessage = string | { b: string };

export type LongPollResponse =
  /** Frames in order; acknowledge `batch` with the next poll's `ack`, or the same batch comes again. */
  | { status: 200; token: string; batch: number; messages: LongPollMessage[] }
  /** The poll timed out with nothing to deliver (or a newer poll replaced it): poll again. */
  | { status: 204; token: string }
  /** The session is open: poll with `token`; the server holds a poll at most `pollTimeoutMs`; a POST body may carry at most `maxBodyBytes`. */
  | { status: 410; token: string; pollTimeoutMs: number; maxBodyBytes: number }
  /** The session ended (or was refused): a WebSocket close code (4xxx of CLOSE_CODES, 1000, 1009) and `"CODE: message"`. */
  | { status: number; reason: string };

/** Answer to a POST: `{status: 200}`, or a refusal with a code from ERROR_CODES. */
export type LongPollSendResponse = { status: 200 } | { status: number; code: string; message: string };

const message = z.union([z.string(), z.object({ b: z.string() })]);

/** Validates a poll answer on the client (never trust what came through proxies). */
export const longPollResponseSchema = z.union([
  z.object({
    status: z.literal(200),
    token: z.string(),
    batch: z.number().int().positive(),
    messages: z.array(message),
  }),
  z.object({ status: z.literal(204), token: z.string() }),
  z.object({
    status: z.literal(410),
    token: z.string(),
    pollTimeoutMs: z.number().int().positive(),
    maxBodyBytes: z.number().int().positive(),
  }),
  z.object({ status: z.number().int().min(1000).max(4999), reason: z.string() }),
]);

/** True for an answer that ends the session. */
export function isLongPollClose(response: LongPollResponse): response is { status: number; reason: string } {
  return response.status >= 1000;
}
