import { encodeTextFrame, type Frame, type JoinPayload, type SerializerVersion, type Topic } from '@wedsync/protocol';
import { WebSocket } from 'ws';
import type { AuthUser } from '../auth/auth-user.ts';
import type { PresenceEntry } from '../broadcast/bus-messages.ts';
import type { Outbox } from '../transport/outbox.ts';
import { closeSocket, type SocketCloseCode } from '../transport/socket-close.ts';
import type { ExpiryQueue } from './expiry-queue.ts';
import type { SessionInfo } from './session-info.ts';

/** The join payload of a membership (a fresh object per call; `{}` when not retained). */
export function joinPayloadOf(member: Membership): JoinPayload {
  return member.joinPayloadJson === undefined ? {} : (JSON.parse(member.joinPayloadJson) as JoinPayload);
}

/** One joined channel of one session. */
export interface Membership {
  session: Session;
  /** Canonical topic (no `realtime:` prefix). */
  topic: string;
  /** The topic as the client wrote it; every frame to this member uses it. */
  wireTopic: string;
  joinRef: string | null;
  /**
   * The join payload as JSON, for the `authorizeJoin` hook's later calls (token refresh, the default
   * `authorizeMessage`); undefined without that hook, as nothing reads it then. Text, not the parsed
   * objects: ~100 B less per channel (issue 9 idle footprint). Read it with `joinPayloadOf`.
   */
  joinPayloadJson: string | undefined;
  parsedTopic: Topic | undefined;
  broadcastSelf: boolean;
  broadcastAck: boolean;
  /** Receives presence_state / presence_diff (config.presence.enabled or a non-empty key). */
  presenceEnabled: boolean;
  presenceKey: string;
  /** This member's tracked presence entry (key and meta with its phx_ref), if tracking. */
  presence: PresenceEntry | undefined;
}

export interface SessionDeps {
  outbox: Outbox;
  nowMs: () => number;
  maxBufferedBytes: number;
  /** Called for every frame written (metrics). */
  onFramesOut(count: number): void;
  /** The server's one timer for token expiries; it calls back (closing the channels) when `tokenExpMs` passes. */
  expiries: ExpiryQueue<Session>;
}

/**
 * A WebSocket connection: its user and token expiry, its channels, an ordered inbound work queue
 * and a batched outbound queue. Owns no timer: its token expiry sits in the server's `ExpiryQueue`
 * from `setUser` until `dispose`.
 */
export class Session {
  readonly connectedAtMs: number;
  lastSeenMs: number;
  user: AuthUser | undefined;
  tokenExpMs: number | undefined;
  readonly memberships = new Map<string, Membership>();
  closed = false;
  /** Our reason when the server closed the socket (audit, R14.1); undefined when the client or network did. */
  closedBy: SocketCloseCode | undefined;
  /** Bytes of inbound frames accepted but not yet handled. */
  pendingBytes = 0;
  /** The last queued inbound work; undefined while none is pending (an idle session holds no promise). */
  private chain: Promise<void> | undefined;
  private readonly queue: Array<{ data: Buffer | Uint8Array | string; binary: boolean }> = [];
  /** Position in the expiry queue (-1: not queued). */
  expiryIndex = -1;
  private cachedInfo: SessionInfo | undefined;

  constructor(
    readonly id: string,
    readonly socket: WebSocket,
    readonly vsn: SerializerVersion,
    private readonly deps: SessionDeps,
  ) {
    this.connectedAtMs = deps.nowMs();
    this.lastSeenMs = this.connectedAtMs;
  }

  /** The public view; only valid once a user is bound. */
  info(): SessionInfo {
    if (!this.user) throw new Error('session has no user yet');
    this.cachedInfo ??= { id: this.id, user: this.user, connectedAtMs: this.connectedAtMs };
    return this.cachedInfo;
  }

  /** Binds (or refreshes) the user and (re)schedules the token expiry. */
  setUser(user: AuthUser, expMs: number): void {
    this.user = user;
    this.cachedInfo = undefined;
    this.tokenExpMs = expMs;
    if (!this.closed) this.deps.expiries.schedule(this, expMs);
  }

  tokenValid(): boolean {
    return this.user !== undefined && this.tokenExpMs !== undefined && this.tokenExpMs > this.deps.nowMs();
  }

  /** Runs inbound work strictly in arrival order; an async step delays only this session. */
  enqueueWork(work: () => Promise<void> | void, onError: (error: unknown) => void, sizeBytes: number): void {
    this.pendingBytes += sizeBytes;
    const step: Promise<void> = (this.chain ?? Promise.resolve())
      .then(() => (this.closed ? undefined : work()))
      .catch(onError)
      .finally(() => {
        this.pendingBytes -= sizeBytes;
        if (this.chain === step) this.chain = undefined;
      });
    this.chain = step;
  }

  send(frame: Frame): void {
    this.sendRaw(encodeTextFrame(frame, this.vsn), false);
  }

  /** Queues pre-serialised bytes (the same Buffer may go to many sessions). */
  sendRaw(data: Buffer | Uint8Array | string, binary: boolean): void {
    if (this.closed) return;
    this.queue.push({ data, binary });
    if (this.queue.length === 1) this.deps.outbox.markDirty(this);
  }

  flush(): void {
    if (this.queue.length === 0) return;
    if (this.closed || this.socket.readyState !== WebSocket.OPEN) {
      this.queue.length = 0;
      return;
    }
    const raw = (this.socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    raw?.cork();
    for (const item of this.queue) this.socket.send(item.data, { binary: item.binary });
    raw?.uncork();
    this.deps.onFramesOut(this.queue.length);
    this.queue.length = 0;
    if (this.socket.bufferedAmount > this.deps.maxBufferedBytes) {
      this.close('SERVER_ERROR', 'send buffer overflow: the client reads too slowly');
    }
  }

  /** Flushes what is queued, then closes with our code and reason. */
  close(code: SocketCloseCode, message?: string): void {
    this.closedBy ??= code;
    if (this.socket.readyState === WebSocket.OPEN) this.deps.outbox.flushNow(this);
    closeSocket(this.socket, code, message);
  }

  /** Leaves the expiry queue and drops queued frames; called once when the socket is gone. */
  dispose(): void {
    this.closed = true;
    this.deps.expiries.cancel(this);
    this.queue.length = 0;
  }
}
