import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Long-poll session tokens: `<sessionId>.<HMAC-SHA256(sessionId)>` (base64url) under a key made at
 * random per server instance. A token is only valid on the node that issued it, for the life of that
 * node; a guessed or altered token never reaches a session (the session map is not even consulted).
 */
export class LongPollTokens {
  private readonly key: Buffer;

  constructor(key: Buffer = randomBytes(32)) {
    this.key = key;
  }

  sign(sessionId: string): string {
    return `${sessionId}.${this.mac(sessionId)}`;
  }

  /** The session id of a well-formed, correctly signed token; undefined otherwise. */
  verify(token: string | undefined): string | undefined {
    if (typeof token !== 'string' || token.length > 200) return undefined;
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const sessionId = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.mac(sessionId));
    return given.length === expected.length && timingSafeEqual(given, expected) ? sessionId : undefined;
  }

  private mac(sessionId: string): string {
    return createHmac('sha256', this.key).update(sessionId).digest('base64url');
  }
}
