import type { ErrorCode, LongPollResponse, LongPollSendResponse } from '@wedsync/protocol';
import { Gauge } from 'prom-client';
import type { WebSocket } from 'ws';
import { bindSessionUser } from '../auth/session-auth.ts';
import type { EngineContext } from '../channels/engine-context.ts';
import type { OriginPolicy } from '../limits/origin-policy.ts';
import { flatRandomUuid } from '../session/flat-random-uuid.ts';
import { Session, type SessionDeps } from '../session/session.ts';
import { admitConnection, connectionLimitFailure } from './connection-admission.ts';
import { LongPollSocket, type PollAnswer } from './long-poll-socket.ts';
import { LongPollTokens } from './long-poll-token.ts';
import { closeCodeFor, closeReasonText } from './socket-close.ts';

export interface LongPollLimits {
  /** A poll with nothing to deliver is answered 204 after this long (≤ the heartbeat interval). */
  pollTimeoutMs: number;
  /** Largest POST body in bytes; larger ones get PAYLOAD_TOO_LARGE (HTTP 413). */
  maxBodyBytes: number;
}

export interface LongPollHubDeps {
  origins: OriginPolicy;
  sessionDeps: SessionDeps;
  /** Attaches the session's listeners and registers it (the same hook the WebSocket upgrade uses). */
  onSession(session: Session): void;
  limits: LongPollLimits;
}

/** An HTTP answer: status code and JSON body. */
export interface HttpAnswer {
  httpStatus: number;
  body: LongPollResponse | LongPollSendResponse;
}

interface Entry {
  socket: LongPollSocket;
  session: Session;
  /** Forgets an ended session whose close status was never collected. */
  forgetTimer?: NodeJS.Timeout;
}

/**
 * A binary frame in a POST body: its bytes in base64. No text frame has this shape (vsn 2.0.0 frames are
 * arrays, vsn 1.0.0 frames are objects with a topic).
 */
const BINARY_LINE = /^\{"b":"([A-Za-z0-9+/=]*)"\}$/;

/** Like the WebSocket close handshake: how long shutdown waits for clients to collect their close status. */
const SHUTDOWN_GRACE_MS = 1_000;

/** HTTP statuses of refusals at open (the body carries the close code and `CODE: message`). */
const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  ORIGIN_NOT_ALLOWED: 403,
  UNSUPPORTED_VERSION: 400,
  CONNECTION_LIMIT: 429,
  SERVER_SHUTTING_DOWN: 503,
};

/**
 * This node's long-poll sessions by id (R15.1). Opening runs the same admission as a WebSocket
 * upgrade; each session is a `Session` over a `LongPollSocket`, registered like any other, so the
 * heartbeat sweep ends one that stopped polling (no poll and no frame for 2 heartbeat intervals →
 * HEARTBEAT_TIMEOUT). An ended session is kept until its client collected the close status, at most
 * 2 heartbeat intervals.
 */
export class LongPollHub {
  private readonly entries = new Map<string, Entry>();
  private readonly tokens = new LongPollTokens();
  /** Set while `close()` waits for the last session to collect its close status. */
  private onEmpty: (() => void) | undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly deps: LongPollHubDeps,
  ) {
    const entries = this.entries;
    const registers = [ctx.metrics.registry];
    new Gauge({
      name: 'realtime_longpoll_sessions',
      help: 'Long-poll sessions on this node (also counted in realtime_connections)',
      registers,
      collect() {
        this.set([...entries.values()].filter((entry) => entry.socket.readyState === 1).length);
      },
    });
    new Gauge({
      name: 'realtime_longpoll_held_polls',
      help: 'Long polls held open waiting for frames',
      registers,
      collect() {
        this.set([...entries.values()].filter((entry) => entry.socket.holding).length);
      },
    });
  }

  get size(): number {
    return this.entries.size;
  }

  allowsOrigin(origin: string | undefined): boolean {
    return this.deps.origins.allows(origin);
  }

  async open(url: URL, origin: string | undefined): Promise<HttpAnswer> {
    const admission = await admitConnection(this.ctx, this.deps.origins, url, origin);
    if (!admission.ok) return refusal(admission.code, admission.message);
    const limit = connectionLimitFailure(this.ctx, admission.user);
    if (limit) return refusal(limit.code, limit.message);
    const id = flatRandomUuid();
    const token = this.tokens.sign(id);
    const socket = new LongPollSocket(token, this.deps.limits.pollTimeoutMs);
    // The session code is written against the `ws` surface that LongPollSocket provides.
    const session = new Session(id, socket as unknown as WebSocket, admission.vsn, this.deps.sessionDeps);
    const entry: Entry = { socket, session };
    this.entries.set(id, entry);
    socket.once('close', () => this.ended(entry));
    this.deps.onSession(session);
    if (admission.user) bindSessionUser(this.ctx, session, admission.user, admission.expMs);
    const { pollTimeoutMs, maxBodyBytes } = this.deps.limits;
    return { httpStatus: 200, body: { status: 410, token, pollTimeoutMs, maxBodyBytes } };
  }

  /** A poll; `answer` is called once (now or when frames, the close or the timeout come) unless abandoned. */
  poll(token: string | undefined, ack: number, answer: PollAnswer): { abandon(): void } | HttpAnswer {
    const entry = this.find(token);
    if (!entry) return gone();
    entry.session.lastSeenMs = this.ctx.nowMs();
    const wrapped: PollAnswer = (response) => {
      if (entry.socket.readyState === 1) entry.session.lastSeenMs = this.ctx.nowMs();
      answer(response);
      if (entry.socket.finished) this.forget(entry);
    };
    entry.socket.poll(ack, wrapped);
    return { abandon: () => entry.socket.abandon(wrapped) };
  }

  /**
   * A POST body: one frame per line, handled in order exactly as WebSocket messages. A line
   * `{"b":"<base64>"}` is a binary frame (R12.2, the form polls deliver them in); any other line is text.
   */
  send(token: string | undefined, body: string): HttpAnswer {
    const entry = this.find(token);
    if (!entry) return gone();
    if (entry.socket.readyState !== 1) return { httpStatus: 410, body: closedBody(entry.socket) };
    for (const line of body.split('\n')) {
      const frame = line.trim();
      if (frame.length === 0) continue;
      const binary = BINARY_LINE.exec(frame)?.[1];
      if (binary === undefined) entry.socket.emit('message', Buffer.from(frame), false);
      else entry.socket.emit('message', Buffer.from(binary, 'base64'), true);
    }
    return { httpStatus: 200, body: { status: 200 } };
  }

  /** DELETE: the client ended the session (e.g. it switched to WebSocket). */
  end(token: string | undefined): HttpAnswer {
    const entry = this.find(token);
    if (entry) {
      entry.socket.closeByClient();
      this.forget(entry);
    }
    return { httpStatus: 200, body: { status: 1000, reason: '' } };
  }

  /**
   * Server shutdown: every session gets SERVER_SHUTTING_DOWN; held polls are answered with it at once,
   * and clients between two polls have up to `graceMs` to collect it. Then everything is released.
   */
  async close(graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
    const entries = [...this.entries.values()];
    for (const entry of entries) {
      if (entry.socket.readyState === 1) entry.session.close('SERVER_SHUTTING_DOWN', 'The server is shutting down');
    }
    if (this.entries.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.onEmpty = resolve;
        timer = setTimeout(resolve, graceMs);
      });
      clearTimeout(timer);
      this.onEmpty = undefined;
    }
    for (const entry of [...this.entries.values()]) this.forget(entry);
  }

  private find(token: string | undefined): Entry | undefined {
    const id = this.tokens.verify(token);
    return id === undefined ? undefined : this.entries.get(id);
  }

  private ended(entry: Entry): void {
    if (!this.entries.has(entry.session.id)) return;
    entry.forgetTimer = setTimeout(() => this.forget(entry), 2 * this.ctx.limits.heartbeatIntervalMs);
  }

  private forget(entry: Entry): void {
    if (entry.forgetTimer) clearTimeout(entry.forgetTimer);
    entry.forgetTimer = undefined;
    if (this.entries.get(entry.session.id) !== entry) return;
    this.entries.delete(entry.session.id);
    if (entry.socket.readyState === 1) entry.socket.terminate();
    entry.socket.dispose();
    if (this.entries.size === 0) this.onEmpty?.();
  }
}

function refusal(code: ErrorCode, message?: string): HttpAnswer {
  const httpStatus = code.startsWith('TOKEN_') ? 401 : (HTTP_STATUS[code] ?? 400);
  return { httpStatus, body: { status: closeCodeFor(code), reason: closeReasonText(code, message) } };
}

/** An unknown, forged or forgotten session: the client reconnects (and its channels resume). */
function gone(): HttpAnswer {
  return {
    httpStatus: 410,
    body: {
      status: closeCodeFor('HEARTBEAT_TIMEOUT'),
      reason: closeReasonText('HEARTBEAT_TIMEOUT', 'The long-poll session expired or is unknown'),
    },
  };
}

function closedBody(socket: LongPollSocket): LongPollResponse {
  const info = socket.closeInfo ?? { code: 1000, reason: '' };
  return { status: info.code, reason: info.reason };
}
