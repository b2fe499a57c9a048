import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { bindSessionUser } from '../auth/session-auth.ts';
import type { EngineContext } from '../channels/engine-context.ts';
import type { OriginPolicy } from '../limits/origin-policy.ts';
import { flatRandomUuid } from '../session/flat-random-uuid.ts';
import { Session, type SessionDeps } from '../session/session.ts';
import { admitConnection, connectionLimitFailure } from './connection-admission.ts';
import { closeSocket } from './socket-close.ts';

/** Both paths realtime-js uses: direct RealtimeClient (`/socket`) and supabase-js (`/realtime/v1`) (reference §1.1). */
export const WEBSOCKET_PATHS: ReadonlySet<string> = new Set(['/socket/websocket', '/realtime/v1/websocket']);

export interface UpgradeDeps {
  wss: WebSocketServer;
  origins: OriginPolicy;
  sessionDeps: SessionDeps;
  /** True when the HTTP server has upgrade listeners besides ours (a shared app). */
  otherUpgradeListeners(): boolean;
  /** Attaches socket listeners and registers the session. */
  onSession(session: Session): void;
}

const ignoreError = () => {};

/**
 * HTTP upgrade on the Fastify server (R1.1). Unknown paths get HTTP 404 (left alone when the app has
 * other upgrade listeners). Every other refusal is
 * delivered after accepting the upgrade, as a close frame with our 4xxx code and the reason
 * "CODE: message", because browsers cannot read an HTTP status of a failed upgrade: bad Origin
 * (ORIGIN_NOT_ALLOWED 4003), bad `vsn` (4006), invalid token in `access_token`/`apikey` (4001/4002),
 * per-user cap (CONNECTION_LIMIT 4009), shutdown (4010). A connection without a token is accepted;
 * its joins then need `access_token` in the join payload.
 */
export function createUpgradeHandler(ctx: EngineContext, deps: UpgradeDeps) {
  return (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    handleUpgrade(ctx, deps, request, socket, head).catch((error: unknown) => {
      ctx.logger.error({ err: error }, 'upgrade failed');
      socket.destroy();
    });
  };
}

async function handleUpgrade(
  ctx: EngineContext,
  deps: UpgradeDeps,
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
) {
  let url: URL;
  try {
    url = new URL(request.url ?? '/', 'http://localhost');
  } catch {
    return rejectHttp(socket, 400, 'Bad Request');
  }
  if (!WEBSOCKET_PATHS.has(url.pathname)) {
    // Another upgrade listener on a shared app may own this path; answer 404 only when we are alone.
    if (deps.otherUpgradeListeners()) return;
    return rejectHttp(socket, 404, 'Not Found');
  }
  socket.on('error', ignoreError);
  const admission = await admitConnection(ctx, deps.origins, url, request.headers.origin);
  if (socket.destroyed) return;
  socket.off('error', ignoreError);
  deps.wss.handleUpgrade(request, socket, head, (ws) => {
    ws.on('error', ignoreError);
    if (!admission.ok) return closeSocket(ws, admission.code, admission.message);
    const limit = connectionLimitFailure(ctx, admission.user);
    if (limit) return closeSocket(ws, limit.code, limit.message);
    const { user, vsn, expMs } = admission;
    const session = new Session(flatRandomUuid(), ws, vsn, deps.sessionDeps);
    deps.onSession(session);
    if (user) bindSessionUser(ctx, session, user, expMs);
  });
}

function rejectHttp(socket: Duplex, status: number, text: string): void {
  const body = JSON.stringify({ error: text });
  socket.on('error', ignoreError);
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
