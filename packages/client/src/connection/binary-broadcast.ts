import { decodeUserBroadcast, EVENTS, encodeUserBroadcastPush, type Frame } from '@wedsync/protocol';

/**
 * R12.2 binary frames for media and attachments (vsn 2.0.0 only). A broadcast whose payload is raw bytes
 * (`Uint8Array` or `ArrayBuffer`) goes out as a Supabase kind 3 frame instead of JSON text (no base64, no
 * JSON escaping); the server delivers raw-byte broadcasts as kind 4 frames, which `decodeBinaryBroadcast`
 * turns back into the text form `{ type: 'broadcast', event, payload: Uint8Array }` the channels route.
 */
export function encodeBinaryBroadcast(frame: Frame): Uint8Array | null {
  if (frame.event !== EVENTS.broadcast) return null;
  const body = frame.payload as { event?: unknown; payload?: unknown } | null;
  if (typeof body?.event !== 'string') return null;
  const bytes = rawBytes(body.payload);
  if (!bytes) return null;
  return encodeUserBroadcastPush({
    joinRef: frame.joinRef,
    ref: frame.ref,
    topic: frame.topic,
    event: body.event,
    metadata: {},
    payload: bytes,
  });
}

/** A kind 4 frame as a broadcast frame; null for anything else (dropped like an undecodable text frame). */
export function decodeBinaryBroadcast(data: unknown): Frame | null {
  const bytes = rawBytes(data);
  if (!bytes) return null;
  const decoded = decodeUserBroadcast(bytes);
  if (!decoded.ok) return null;
  const { topic, event, payload, metadata } = decoded.value;
  const meta = Object.keys(metadata).length > 0 ? { meta: metadata } : {};
  return {
    joinRef: null,
    ref: null,
    topic,
    event: EVENTS.broadcast,
    payload: { type: 'broadcast', event, payload, ...meta },
  };
}

function rawBytes(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return null;
}
