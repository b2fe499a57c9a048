import type { AuthUser } from '../auth/auth-user.ts';

/** What hooks and listeners see of a connection. Stable for the life of the connection except `user`, which a token refresh may update (same `id`). */
export interface SessionInfo {
  /** Unique per connection, across nodes. */
  id: string;
  user: AuthUser;
  /** When the WebSocket was accepted (epoch ms, from the server clock). */
  connectedAtMs: number;
}
