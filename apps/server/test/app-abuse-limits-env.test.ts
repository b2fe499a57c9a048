import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOSE_CODES, parseErrorReason } from '@wedsync/protocol';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadAppConfig } from '../src/app-config.ts';
import { type AppServer, startAppServer } from '../src/app-server.ts';

/**
 * Issue 2: the deployable reads its abuse limits and mode from the environment — the engine tests
 * prove each limit with engine options; this proves the README's variables reach them.
 * NODE_ENV=production + JWT_SECRET, ALLOWED_ORIGINS, MAX_CONNECTIONS_PER_USER (R14.1, R1.1).
 */
const SECRET = 's'.repeat(40);
let dataDir: string;
let server: AppServer;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'wedsync-app-env-'));
  server = await startAppServer(
    loadAppConfig({
      NODE_ENV: 'production',
      JWT_SECRET: SECRET,
      ALLOWED_ORIGINS: 'https://app.wedsync.test, https://admin.wedsync.test',
      MAX_CONNECTIONS_PER_USER: '1',
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
    }),
  );
}, 120_000);

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const token = (sub: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));

type Outcome = { opened: true; socket: WebSocket } | { opened: false; code: number; reason: string };

/** Opens a socket and waits for the heartbeat's reply (accepted) or the server's close (refused). */
async function connect(sub: string, origin?: string): Promise<Outcome> {
  const url = `${server.url.replace('http', 'ws')}/socket/websocket?vsn=2.0.0&apikey=${await token(sub)}`;
  const socket = new WebSocket(url, origin ? { origin } : {});
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', (code, reason) => resolve({ opened: false, code, reason: reason.toString() }));
    socket.once('open', () => socket.send(JSON.stringify([null, 'hb', 'phoenix', 'heartbeat', {}])));
    socket.on('message', (data) => {
      const [, ref, , event] = JSON.parse(data.toString()) as unknown[];
      if (event === 'phx_reply' && ref === 'hb') resolve({ opened: true, socket });
    });
  });
}

describe('app server: limits and mode from the environment (issue 2)', () => {
  it('R14.1 ALLOWED_ORIGINS: a listed Origin connects, a foreign one is closed with ORIGIN_NOT_ALLOWED', async () => {
    const listed = await connect('u-origin-ok', 'https://admin.wedsync.test');
    expect(listed.opened).toBe(true);
    if (listed.opened) listed.socket.close();
    const foreign = await connect('u-origin-bad', 'https://evil.test');
    expect(foreign).toMatchObject({ opened: false, code: CLOSE_CODES.ORIGIN_NOT_ALLOWED.code });
    if (!foreign.opened) expect(parseErrorReason(foreign.reason).code).toBe('ORIGIN_NOT_ALLOWED');
  });

  it('R14.1 MAX_CONNECTIONS_PER_USER=1: the second connection of a user is closed with CONNECTION_LIMIT', async () => {
    const first = await connect('u-capped', 'https://app.wedsync.test');
    expect(first.opened).toBe(true);
    const second = await connect('u-capped', 'https://app.wedsync.test');
    expect(second).toMatchObject({ opened: false, code: CLOSE_CODES.CONNECTION_LIMIT.code });
    if (!second.opened) expect(parseErrorReason(second.reason).code).toBe('CONNECTION_LIMIT');
    if (first.opened) first.socket.close();
  });

  it('NODE_ENV=production: POST /auth/dev-login answers 404', async () => {
    const login = await fetch(`${server.url}/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'emma@wedme.example' }),
    });
    expect(login.status).toBe(404);
  });
});
