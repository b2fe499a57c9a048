import {
  decodeTextFrame,
  decodeUserBroadcastPush,
  type ErrorCode,
  EVENTS,
  type Frame,
  type SerializerVersion,
} from '@wedsync/protocol';
import type { RawData } from 'ws';

/** Where to address an error reply for a frame that failed to decode (best effort, else nulls on `phoenix`). */
export interface FrameAddress {
  joinRef: string | null;
  ref: string | null;
  topic: string;
}

export type ReadResult =
  | { ok: true; frame: Frame; sizeBytes: number; rawBinary: boolean }
  | { ok: false; code: ErrorCode; message: string; address: FrameAddress; sizeBytes: number };

/**
 * Turns one WebSocket message into a frame. Text: Phoenix V2 array / V1 object. Binary (vsn 2.0.0
 * only): Supabase kind 3 user broadcast, normalised to the text form
 * `{ type: 'broadcast', event, payload }` (payload a Uint8Array when `rawBinary`). Never throws.
 */
export function readFrame(data: RawData, isBinary: boolean, vsn: SerializerVersion): ReadResult {
  const bytes = toBuffer(data);
  const sizeBytes = bytes.length;
  if (isBinary) {
    const fallback: FrameAddress = { joinRef: null, ref: null, topic: 'phoenix' };
    if (vsn !== '2.0.0')
      return {
        ok: false,
        code: 'MALFORMED_FRAME',
        message: 'binary frames need vsn 2.0.0',
        address: fallback,
        sizeBytes,
      };
    const decoded = decodeUserBroadcastPush(bytes);
    if (!decoded.ok) return { ok: false, code: decoded.code, message: decoded.message, address: fallback, sizeBytes };
    const push = decoded.value;
    const frame: Frame = {
      joinRef: push.joinRef,
      ref: push.ref,
      topic: push.topic,
      event: EVENTS.broadcast,
      payload: { type: 'broadcast', event: push.event, payload: push.payload },
    };
    return { ok: true, frame, sizeBytes, rawBinary: push.binary };
  }
  const text = bytes.toString('utf8');
  const decoded = decodeTextFrame(text, vsn);
  if (decoded.ok) return { ok: true, frame: decoded.value, sizeBytes, rawBinary: false };
  return { ok: false, code: decoded.code, message: decoded.message, address: salvageAddress(text, vsn), sizeBytes };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Reads refs and topic out of a frame that failed validation, so the error reply reaches the right push. */
function salvageAddress(text: string, vsn: SerializerVersion): FrameAddress {
  const address: FrameAddress = { joinRef: null, ref: null, topic: 'phoenix' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return address;
  }
  let joinRef: unknown;
  let ref: unknown;
  let topic: unknown;
  if (vsn === '2.0.0' && Array.isArray(parsed)) [joinRef, ref, topic] = parsed;
  else if (vsn === '1.0.0' && parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    ({ join_ref: joinRef, ref, topic } = parsed as Record<string, unknown>);
  }
  if (typeof joinRef === 'string' && joinRef.length <= 64) address.joinRef = joinRef;
  if (typeof ref === 'string' && ref.length <= 64) address.ref = ref;
  if (typeof topic === 'string' && topic.length > 0 && topic.length <= 255) address.topic = topic;
  return address;
}
