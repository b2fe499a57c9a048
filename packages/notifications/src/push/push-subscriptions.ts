import type { SqlClient } from '@wedsync/storage-postgres';
import type { PushTarget } from '../routing/notification-routing.ts';

export class PushSubscriptionError extends Error {
  readonly code = 'VALIDATION_FAILED';
}

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/**
 * Web Push subscriptions per device (`notify_push_subscriptions`). The endpoint identifies a device;
 * subscribing again (or as another user on the same browser) moves it to the latest user.
 */
export class PushSubscriptions {
  constructor(private readonly sql: SqlClient) {}

  /** Validates a browser `PushSubscription.toJSON()` and stores it for the user. */
  async add(userId: string, input: unknown, nowMs: number): Promise<PushTarget> {
    const target = parseSubscription(input);
    await this.sql.query(
      `INSERT INTO notify_push_subscriptions (endpoint, user_id, p256dh, auth, created_at_ms) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (endpoint) DO UPDATE SET user_id = EXCLUDED.user_id, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth`,
      [target.endpoint, userId, target.p256dh, target.auth, nowMs],
    );
    return target;
  }

  /** Removes a device of this user; returns whether it existed. */
  async remove(userId: string, endpoint: string): Promise<boolean> {
    const rows = await this.sql.query(
      'DELETE FROM notify_push_subscriptions WHERE endpoint = $1 AND user_id = $2 RETURNING endpoint',
      [endpoint, userId],
    );
    return rows.length > 0;
  }

  /** Removes a device the push service reported gone (404/410), whoever it belonged to. */
  async removeGone(endpoint: string): Promise<void> {
    await this.sql.query('DELETE FROM notify_push_subscriptions WHERE endpoint = $1', [endpoint]);
  }

  async of(userId: string, client: SqlClient = this.sql): Promise<PushTarget[]> {
    return client.query<PushTarget & Record<string, unknown>>(
      'SELECT endpoint, p256dh, auth FROM notify_push_subscriptions WHERE user_id = $1 ORDER BY created_at_ms, endpoint',
      [userId],
    );
  }
}

function parseSubscription(input: unknown): PushTarget {
  const fail = (message: string): never => {
    throw new PushSubscriptionError(`subscription: ${message}`);
  };
  if (typeof input !== 'object' || input === null) return fail('expected PushSubscription JSON');
  const { endpoint, keys } = input as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } };
  if (typeof endpoint !== 'string' || endpoint.length > 2_048) return fail('endpoint must be a URL');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return fail('endpoint must be a URL');
  }
  if (url.protocol !== 'https:' && url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
    fail('endpoint must be https');
  }
  const p256dh = keys?.p256dh;
  const auth = keys?.auth;
  if (typeof p256dh !== 'string' || !BASE64URL.test(p256dh) || p256dh.length < 80 || p256dh.length > 100) {
    fail('keys.p256dh must be the base64url P-256 public key');
  }
  if (typeof auth !== 'string' || !BASE64URL.test(auth) || auth.length < 16 || auth.length > 32) {
    fail('keys.auth must be the base64url 16-byte secret');
  }
  return { endpoint, p256dh: p256dh as string, auth: auth as string };
}
