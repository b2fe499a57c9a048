import { type AuditEventKind, closeReasonForCode } from '@wedsync/protocol';
import type { AuditEvent, AuditSink } from './audit-sink.ts';

/** What the engine's audit calls need of a session (structural, so this module needs no transport). */
export interface AuditedSession {
  readonly id: string;
  readonly user?: { id: string } | undefined;
  /** Our reason when the server closed the socket (set by `Session.close`). */
  readonly closedBy?: string | undefined;
}

/** At most one `rate_limited` event per session per this many ms: a flood must not flood the trail. */
const RATE_LIMIT_AUDIT_INTERVAL_MS = 1_000;

/** Close codes a client (or the network) ends a connection with, by name. */
const CLIENT_CLOSE_REASONS: Record<number, string> = {
  1000: 'CLIENT_CLOSED',
  1001: 'CLIENT_GOING_AWAY',
  1005: 'CLIENT_CLOSED',
  1006: 'CONNECTION_LOST',
};

/**
 * The engine's R14.1 audit points (connect, disconnect with reason, join, refused join with code, leave,
 * token refresh, rights revoked, rate limit hit). Each call builds one small object and hands it to the
 * sink; without a sink every call returns at once.
 */
export class EngineAudit {
  readonly enabled: boolean;
  private readonly lastRateLimitAuditMs = new WeakMap<AuditedSession, number>();

  constructor(
    private readonly sink: AuditSink | undefined,
    private readonly nodeId: string,
    private readonly nowMs: () => number,
  ) {
    this.enabled = sink !== undefined;
  }

  connect(session: AuditedSession): void {
    this.emit('connect', session);
  }

  /** `closeCode`: the WebSocket close code the socket ended with. */
  disconnect(session: AuditedSession, closeCode: number): void {
    if (!this.sink || !session.user) return;
    const reason =
      session.closedBy ?? closeReasonForCode(closeCode) ?? CLIENT_CLOSE_REASONS[closeCode] ?? `CLOSE_${closeCode}`;
    this.emit('disconnect', session, { reason, details: { closeCode } });
  }

  join(session: AuditedSession, topic: string): void {
    this.emit('join', session, { topic });
  }

  joinRefused(session: AuditedSession, topic: string, code: string): void {
    this.emit('join_refused', session, { topic, code });
  }

  leave(session: AuditedSession, topic: string, reason: string): void {
    this.emit('leave', session, { topic, reason });
  }

  tokenRefresh(session: AuditedSession, topic: string): void {
    this.emit('token_refresh', session, { topic });
  }

  rightsRevoked(session: AuditedSession, topic: string, code: string): void {
    this.emit('rights_revoked', session, { topic, code });
  }

  rateLimited(session: AuditedSession, topic: string | undefined): void {
    if (!this.sink) return;
    const now = this.nowMs();
    const last = this.lastRateLimitAuditMs.get(session);
    if (last !== undefined && now - last < RATE_LIMIT_AUDIT_INTERVAL_MS) return;
    this.lastRateLimitAuditMs.set(session, now);
    this.emit('rate_limited', session, { topic, code: 'RATE_LIMITED' });
  }

  private emit(kind: AuditEventKind, session: AuditedSession, extra: Partial<AuditEvent> = {}): void {
    if (!this.sink) return;
    const event: AuditEvent = {
      kind,
      atMs: this.nowMs(),
      actor: session.user?.id ?? null,
      node: this.nodeId,
      sessionId: session.id,
      ...extra,
    };
    if (event.topic === undefined) delete event.topic;
    try {
      this.sink.record(event);
    } catch {
      // A sink must not throw (AuditSink contract); the engine goes on regardless.
    }
  }
}
