import type { Session } from './session.ts';

/**
 * This node's sessions, by id and by user (for the per-user connection cap and revocation), plus the
 * one heartbeat sweep timer of the server (R1.3): a session silent for 2 × heartbeatIntervalMs is
 * handed to `onTimeout`. Sweeps run every heartbeatIntervalMs / 2, so a drop happens between 2× and 2.5×.
 */
export class SessionRegistry {
  private readonly byId = new Map<string, Session>();
  /** A user's one session, or a Set once they have several (most users hold one; a Set costs ~170 B). */
  private readonly byUser = new Map<string, Session | Set<Session>>();
  private sweepTimer: NodeJS.Timeout | undefined;

  get size(): number {
    return this.byId.size;
  }

  /** Users with at least one session (for leak checks). */
  get userCount(): number {
    return this.byUser.size;
  }

  add(session: Session): void {
    this.byId.set(session.id, session);
    if (session.user) this.bindUser(session);
  }

  /** Indexes the session under its user; call after the user is first bound. */
  bindUser(session: Session): void {
    if (!session.user || !this.byId.has(session.id)) return;
    const userId = session.user.id;
    const held = this.byUser.get(userId);
    if (held === undefined || held === session) this.byUser.set(userId, session);
    else if (held instanceof Set) held.add(session);
    else this.byUser.set(userId, new Set([held, session]));
  }

  remove(session: Session): void {
    this.byId.delete(session.id);
    if (!session.user) return;
    const userId = session.user.id;
    const held = this.byUser.get(userId);
    if (held === session) this.byUser.delete(userId);
    else if (held instanceof Set) {
      held.delete(session);
      if (held.size === 1) this.byUser.set(userId, held.values().next().value!);
    }
  }

  countForUser(userId: string): number {
    const held = this.byUser.get(userId);
    return held === undefined ? 0 : held instanceof Set ? held.size : 1;
  }

  forUser(userId: string): Session[] {
    const held = this.byUser.get(userId);
    return held === undefined ? [] : held instanceof Set ? [...held] : [held];
  }

  all(): IterableIterator<Session> {
    return this.byId.values();
  }

  startSweep(heartbeatIntervalMs: number, nowMs: () => number, onTimeout: (session: Session) => void): void {
    this.stopSweep();
    const silentLimitMs = 2 * heartbeatIntervalMs;
    this.sweepTimer = setInterval(
      () => {
        const now = nowMs();
        for (const session of this.byId.values()) {
          if (now - session.lastSeenMs > silentLimitMs) onTimeout(session);
        }
      },
      Math.max(10, Math.floor(heartbeatIntervalMs / 2)),
    );
  }

  stopSweep(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }
}
