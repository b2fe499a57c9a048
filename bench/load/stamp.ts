/**
 * Stamped test messages. Every measured message carries its *scheduled* send time (monotonic µs) as
 * `"bt":<µs>`; the receiver subtracts it from its arrival time, so a sender that fell behind (a
 * stalled event loop, a full socket) shows up as latency instead of silently sending later
 * (no coordinated omission). Receivers find the stamp with a byte search, not a JSON parse, so the
 * counting clients stay cheap and equally cheap for every server under test.
 */
const STAMP_KEY = Buffer.from('"bt":');
const STAMP_KEY_LENGTH = STAMP_KEY.length;

/** Padding that makes `stampedPayload` about `payloadBytes` long (the stamp itself is ~25 bytes). */
export function paddingFor(payloadBytes: number): string {
  return 'x'.repeat(Math.max(0, payloadBytes - 26));
}

export function stampedPayload(scheduledUs: number, padding: string): string {
  return `{"bt":${scheduledUs},"p":"${padding}"}`;
}

/** The stamp in a received frame, or -1 when the frame carries none. */
export function readStamp(data: Buffer): number {
  const at = data.indexOf(STAMP_KEY);
  if (at < 0) return -1;
  let value = 0;
  for (let index = at + STAMP_KEY_LENGTH; index < data.length; index++) {
    const digit = data[index]! - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
}
