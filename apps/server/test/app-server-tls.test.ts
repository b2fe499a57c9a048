import { readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeSelfSignedCertificate } from '../../../packages/server/test/fixtures/self-signed-certificate.ts';
import { ConfigError, loadAppConfig } from '../src/app-config.ts';
import { type AppServer, startAppServer } from '../src/app-server.ts';

/** One HTTPS request trusting only `ca`; the JSON answer. */
function httpsJson(
  url: string,
  ca: Buffer,
  init: { method?: string; body?: string; token?: string } = {},
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    request(url, { ca, method: init.method ?? 'GET', headers }, (response) => {
      let text = '';
      response.on('data', (chunk) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
    })
      .on('error', reject)
      .end(init.body);
  });
}

// R14.1 through the deployable: TLS_CERT_FILE / TLS_KEY_FILE as `npm start` reads them (the engine's own
// TLS test is packages/server/test/tls-wss.test.ts).
describe('R14.1 the app server serves https and wss from TLS_CERT_FILE and TLS_KEY_FILE', () => {
  let dir: string;
  let certFile: string;
  let keyFile: string;
  let ca: Buffer;
  let server: AppServer | undefined;

  beforeAll(async () => {
    // A self-signed certificate made for this run.
    ({ dir, certFile, keyFile, ca } = await makeSelfSignedCertificate('wedsync-app-tls-'));
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('R14.1 with both files set: https URL, a dev login over https, and a wss socket that joins the person’s channel', async () => {
    server = await startAppServer(
      loadAppConfig({
        DATA_DIR: join(dir, 'data'),
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        TLS_CERT_FILE: certFile,
        TLS_KEY_FILE: keyFile,
      }),
    );
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await httpsJson(`${server.url}/healthz`, ca)).status).toBe(200);
    const login = await httpsJson(`${server.url}/auth/dev-login`, ca, {
      method: 'POST',
      body: JSON.stringify({ email: 'emma@wedme.example' }),
    });
    expect(login.status).toBe(200);
    const { token } = login.body as { token: string };
    const me = (await httpsJson(`${server.url}/api/me`, ca, { token })).body as { topics: { topic: string }[] };
    const topic = me.topics[0]!.topic;

    const wsUrl = `${server.url.replace('https:', 'wss:')}/realtime/v1/websocket?vsn=1.0.0&apikey=${token}`;
    const socket = new WebSocket(wsUrl, { ca });
    const reply = new Promise<{ status: string }>((resolve) =>
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { ref: string; event: string; payload: { status: string } };
        if (frame.ref === '1' && frame.event === 'phx_reply') resolve(frame.payload);
      }),
    );
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(
      JSON.stringify({ topic: `realtime:${topic}`, event: 'phx_join', payload: {}, ref: '1', join_ref: '1' }),
    );
    expect((await reply).status).toBe('ok');
    socket.close();

    // Plain ws on the same port is not served (the node speaks TLS only).
    const plain = new WebSocket(wsUrl.replace('wss:', 'ws:'));
    plain.on('error', () => {});
    expect(await new Promise<number>((resolve) => plain.once('close', resolve))).toBe(1006);
  }, 120_000);

  it('R14.1 one file without the other, or a file that is not PEM, is a ConfigError before anything starts', async () => {
    const base = { DATA_DIR: join(dir, 'never'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
    expect(() => loadAppConfig({ ...base, TLS_CERT_FILE: certFile })).toThrow(ConfigError);
    const notPem = join(dir, 'not.pem');
    await writeFile(notPem, 'hello');
    await expect(
      startAppServer(loadAppConfig({ ...base, TLS_CERT_FILE: certFile, TLS_KEY_FILE: notPem })),
    ).rejects.toThrow(/TLS_KEY_FILE: .* is not a PEM file/);
    await expect(readFile(join(dir, 'never'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
