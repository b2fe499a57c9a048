import { type ErrorCode, errorResponse } from './error-codes.ts';

/**
 * One Phoenix message. On the wire (serializer vsn 2.0.0) it is the JSON array
 * `[joinRef, ref, topic, event, payload]`; with vsn 1.0.0 it is an object (server frames omit join_ref).
 */
export interface Frame<P = unknown> {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: P;
}

export type SerializerVersion = '1.0.0' | '2.0.0';
export const SERIALIZER_VERSIONS: readonly SerializerVersion[] = ['1.0.0', '2.0.0'];

/** Phoenix treats a missing `vsn` as 1.0.0; so do we (reference §5.1). */
export function parseSerializerVersion(vsn: string | null | undefined): SerializerVersion | undefined {
  if (vsn === null || vsn === undefined || vsn === '') return '1.0.0';
  return (SERIALIZER_VERSIONS as readonly string[]).includes(vsn) ? (vsn as SerializerVersion) : undefined;
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

const fail = (message: string): DecodeResult<never> => ({ ok: false, code: 'MALFORMED_FRAME', message });

const isRef = (value: unknown): value is string | null => value === null || typeof value === 'string';

/** Refs are decimal strings in practice, but numbers are tolerated and normalised to strings. */
function normaliseRef(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return isRef(value) ? value : undefined;
}

/** Decodes a text frame. Never throws: malformed input yields `{ ok: false, code: 'MALFORMED_FRAME' }`. */
export function decodeTextFrame(text: string, vsn: SerializerVersion): DecodeResult<Frame> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail('not JSON');
  }
  let joinRef: unknown;
  let ref: unknown;
  let topic: unknown;
  let event: unknown;
  let payload: unknown;
  if (vsn === '2.0.0') {
    if (!Array.isArray(parsed) || parsed.length !== 5) return fail('expected [join_ref, ref, topic, event, payload]');
    [joinRef, ref, topic, event, payload] = parsed;
  } else {
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return fail('expected an object');
    ({ join_ref: joinRef, ref, topic, event, payload } = parsed as Record<string, unknown>);
  }
  const normalJoinRef = normaliseRef(joinRef);
  const normalRef = normaliseRef(ref);
  if (normalJoinRef === undefined) return fail('join_ref must be a string or null');
  if (normalRef === undefined) return fail('ref must be a string or null');
  if (typeof topic !== 'string' || topic.length === 0) return fail('topic must be a non-empty string');
  if (typeof event !== 'string' || event.length === 0) return fail('event must be a non-empty string');
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return fail('payload must be an object');
  return { ok: true, value: { joinRef: normalJoinRef, ref: normalRef, topic, event, payload } };
}

/** Encodes a frame as text for the given serializer. Server frames in vsn 1.0.0 carry no join_ref. */
export function encodeTextFrame(frame: Frame, vsn: SerializerVersion): string {
  if (vsn === '2.0.0') return JSON.stringify([frame.joinRef, frame.ref, frame.topic, frame.event, frame.payload]);
  return JSON.stringify({
    topic: frame.topic,
    event: frame.event,
    payload: frame.payload,
    ref: frame.ref,
    join_ref: frame.joinRef,
  });
}

/** A `phx_reply` frame: `{ status: "ok" | "error", response }`. */
export function replyFrame(
  request: Pick<Frame, 'joinRef' | 'ref' | 'topic'>,
  status: 'ok' | 'error',
  response: unknown = {},
): Frame {
  return {
    joinRef: request.joinRef,
    ref: request.ref,
    topic: request.topic,
    event: 'phx_reply',
    payload: { status, response },
  };
}

/** An error `phx_reply` with `{ reason: "CODE: message", ...details }`. */
export function errorReplyFrame(
  request: Pick<Frame, 'joinRef' | 'ref' | 'topic'>,
  code: ErrorCode,
  message?: string,
  details?: Record<string, unknown>,
): Frame {
  return replyFrame(request, 'error', errorResponse(code, message, details));
}
