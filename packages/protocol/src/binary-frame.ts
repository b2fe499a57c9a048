import type { DecodeResult } from './frame.ts';

/**
 * Supabase's binary broadcast frames (reference §1.2). All length fields are one byte holding a UTF-8
 * byte length (max 255). Payload encoding byte: 0 = raw binary, 1 = JSON.
 *
 * - kind 3, USER_BROADCAST_PUSH (client→server):
 *   kind | joinRefLen | refLen | topicLen | eventLen | metadataLen | encoding | joinRef | ref | topic | event | metadata | payload
 * - kind 4, USER_BROADCAST (server→client):
 *   kind | topicLen | eventLen | metadataLen | encoding | topic | event | metadata | payload
 */
export const BINARY_KIND = { userBroadcastPush: 3, userBroadcast: 4 } as const;
export const PAYLOAD_ENCODING = { binary: 0, json: 1 } as const;

export interface UserBroadcastPush {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  /** The user event name (`payload.event` of the text form). */
  event: string;
  metadata: Record<string, unknown>;
  /** Decoded JSON when the encoding byte is 1, else the raw bytes. */
  payload: unknown;
  binary: boolean;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

const fail = (message: string): DecodeResult<never> => ({ ok: false, code: 'MALFORMED_FRAME', message });

export function decodeUserBroadcastPush(bytes: Uint8Array): DecodeResult<UserBroadcastPush> {
  if (bytes.length < 7) return fail('binary frame shorter than its header');
  if (bytes[0] !== BINARY_KIND.userBroadcastPush) return fail(`unsupported binary frame kind ${bytes[0]}`);
  const body = readBody(bytes, [bytes[1]!, bytes[2]!, bytes[3]!, bytes[4]!, bytes[5]!], bytes[6]!, 7);
  if (!body.ok) return body;
  const [joinRef, ref, topic, event] = body.value.parts as [string, string, string, string];
  if (topic.length === 0) return fail('topic must be a non-empty string');
  const { metadata, payload, binary } = body.value;
  return { ok: true, value: { joinRef: joinRef || null, ref: ref || null, topic, event, metadata, payload, binary } };
}

/** A kind 4 frame as a client reads it (R12.2: media and attachments travel as raw bytes). */
export interface UserBroadcast {
  topic: string;
  event: string;
  metadata: Record<string, unknown>;
  /** Decoded JSON when the encoding byte is 1, else the raw bytes. */
  payload: unknown;
  binary: boolean;
}

export function decodeUserBroadcast(bytes: Uint8Array): DecodeResult<UserBroadcast> {
  if (bytes.length < 5) return fail('binary frame shorter than its header');
  if (bytes[0] !== BINARY_KIND.userBroadcast) return fail(`unsupported binary frame kind ${bytes[0]}`);
  const body = readBody(bytes, [bytes[1]!, bytes[2]!, bytes[3]!], bytes[4]!, 5);
  if (!body.ok) return body;
  const [topic, event] = body.value.parts as [string, string];
  if (topic.length === 0) return fail('topic must be a non-empty string');
  const { metadata, payload, binary } = body.value;
  return { ok: true, value: { topic, event, metadata, payload, binary } };
}

/**
 * The part kinds 3 and 4 share after their length bytes: UTF-8 header fields of the given lengths
 * (the last one the metadata JSON, possibly empty), then the payload in `encoding`.
 */
function readBody(
  bytes: Uint8Array,
  lengths: number[],
  encoding: number,
  start: number,
): DecodeResult<{ parts: string[]; metadata: Record<string, unknown>; payload: unknown; binary: boolean }> {
  if (encoding !== PAYLOAD_ENCODING.binary && encoding !== PAYLOAD_ENCODING.json)
    return fail(`unknown payload encoding ${encoding}`);
  let offset = start;
  const parts: string[] = [];
  try {
    for (const length of lengths) {
      if (offset + length > bytes.length) return fail('binary frame header lengths exceed the frame');
      parts.push(utf8Decoder.decode(bytes.subarray(offset, offset + length)));
      offset += length;
    }
  } catch {
    return fail('binary frame header is not valid UTF-8');
  }
  const metadataText = parts.at(-1)!;
  let metadata: Record<string, unknown> = {};
  if (metadataText.length > 0) {
    try {
      const parsed = JSON.parse(metadataText);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        return fail('metadata must be a JSON object');
      metadata = parsed;
    } catch {
      return fail('metadata is not JSON');
    }
  }
  const rest = bytes.subarray(offset);
  let payload: unknown = rest;
  if (encoding === PAYLOAD_ENCODING.json) {
    try {
      payload = JSON.parse(utf8Decoder.decode(rest));
    } catch {
      return fail('payload is not JSON');
    }
  }
  return { ok: true, value: { parts, metadata, payload, binary: encoding === PAYLOAD_ENCODING.binary } };
}

/** Encodes a kind 4 frame. Throws RangeError if a header field exceeds 255 UTF-8 bytes. */
export function encodeUserBroadcast(
  topic: string,
  event: string,
  payload: unknown,
  metadata?: Record<string, unknown>,
): Uint8Array {
  const header = [topic, event, metadata && Object.keys(metadata).length > 0 ? JSON.stringify(metadata) : ''].map(
    (part) => utf8Encoder.encode(part),
  );
  for (const part of header) if (part.length > 255) throw new RangeError('binary frame header field exceeds 255 bytes');
  const binary = payload instanceof Uint8Array || payload instanceof ArrayBuffer;
  const body = binary
    ? new Uint8Array(payload as ArrayBufferLike)
    : utf8Encoder.encode(JSON.stringify(payload ?? null));
  const total = 5 + header.reduce((sum, part) => sum + part.length, 0) + body.length;
  const out = new Uint8Array(total);
  out[0] = BINARY_KIND.userBroadcast;
  out[1] = header[0]!.length;
  out[2] = header[1]!.length;
  out[3] = header[2]!.length;
  out[4] = binary ? PAYLOAD_ENCODING.binary : PAYLOAD_ENCODING.json;
  let offset = 5;
  for (const part of header) {
    out.set(part, offset);
    offset += part.length;
  }
  out.set(body, offset);
  return out;
}

/** Encodes a kind 3 frame (what a client sends); used by our SDK and tests. */
export function encodeUserBroadcastPush(push: Omit<UserBroadcastPush, 'binary'>): Uint8Array {
  const binary = push.payload instanceof Uint8Array;
  const header = [
    push.joinRef ?? '',
    push.ref ?? '',
    push.topic,
    push.event,
    Object.keys(push.metadata).length ? JSON.stringify(push.metadata) : '',
  ].map((part) => utf8Encoder.encode(part));
  for (const part of header) if (part.length > 255) throw new RangeError('binary frame header field exceeds 255 bytes');
  const body = binary ? (push.payload as Uint8Array) : utf8Encoder.encode(JSON.stringify(push.payload ?? null));
  const out = new Uint8Array(7 + header.reduce((sum, part) => sum + part.length, 0) + body.length);
  out[0] = BINARY_KIND.userBroadcastPush;
  header.forEach((part, index) => {
    out[1 + index] = part.length;
  });
  out[6] = binary ? PAYLOAD_ENCODING.binary : PAYLOAD_ENCODING.json;
  let offset = 7;
  for (const part of header) {
    out.set(part, offset);
    offset += part.length;
  }
  out.set(body, offset);
  return out;
}
