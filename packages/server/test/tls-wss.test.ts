import { rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { readTlsFiles, TlsConfigError } from '../src/index.ts';
import { Harness, signToken } from './engine-harness.ts';
import { makeSelfSignedCertificate } from './fixtures/self-signed-certificate.ts';

const harness = new Harness();
let dir: string;
let certFile: string;
let keyFile: string;
let ca: Buffer;

beforeAll(async () => {
  // A self-signed certificate made for this run.
  ({ dir, certFile, keyFile, ca } = await makeSelfSignedCertificate('wedsync-tls-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => harness.dispose());

function httpsJson(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (response) => {
      let text = '';
      response.on('data', (chunk) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('R14.1 TLS: https and wss with a certificate and key', () => {
  it('R14.1 serves wss: a client trusting the certificate joins and gets replies; the URLs say https/wss', async () => {
    const https = await readTlsFiles(certFile, keyFile);
    const { url, wsUrl } = await harness.start({ https });
    expect(url).toMatch(/^https:\/\//);
    expect(wsUrl).toMatch(/^wss:\/\//);
    const socket = new WebSocket(`${wsUrl}?vsn=2.0.0&apikey=${await signToken('ann')}`, { ca });
    const replies: unknown[][] = [];
    const joined = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        replies.push(JSON.parse(String(data)));
        if (replies.length === 2) resolve();
      }),
    );
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify([null, '1', 'phoenix', 'heartbeat', {}]));
    socket.send(JSON.stringify(['2', '2', 'realtime:room', 'phx_join', {}]));
    await joined;
    socket.close();
    expect(replies.map((frame) => [frame[1], frame[3], (frame[4] as { status: string }).status])).toEqual([
      ['1', 'phx_reply', 'ok'],
      ['2', 'phx_reply', 'ok'],
    ]);
  });

  it('R14.1 a client that does not trust the certificate cannot connect, and plain ws is not served', async () => {
    const { wsUrl } = await harness.start({ https: await readTlsFiles(certFile, keyFile) });
    const untrusted = new WebSocket(wsUrl);
    const failure = await new Promise<Error>((resolve) => untrusted.once('error', resolve));
    expect(failure.message).toMatch(/self[- ]signed/i);
    const plain = new WebSocket(wsUrl.replace('wss:', 'ws:'));
    plain.on('error', () => {});
    const closed = await new Promise<number>((resolve) => plain.once('close', resolve));
    expect(closed).toBe(1006);
  });

  it('R14.1 R15.1 the long-poll fallback and /healthz run over https too', async () => {
    const { url } = await harness.start({ https: await readTlsFiles(certFile, keyFile) });
    expect((await httpsJson(`${url}/healthz`)).status).toBe(200);
    const opened = await httpsJson(`${url}/realtime/v1/longpoll?vsn=2.0.0&apikey=${await signToken('ann')}`);
    expect(opened.body).toMatchObject({ status: 410 });
  });

  it('R14.1 TLS_CERT_FILE without TLS_KEY_FILE, or an unreadable file, is a clear configuration error', async () => {
    await expect(readTlsFiles(certFile, undefined)).rejects.toThrow(/must be set together/);
    await expect(readTlsFiles(join(dir, 'missing.pem'), keyFile)).rejects.toThrow(
      /TLS_CERT_FILE: cannot read .*ENOENT/,
    );
    const notPem = join(dir, 'not.pem');
    await writeFile(notPem, 'hello');
    await expect(readTlsFiles(certFile, notPem)).rejects.toBeInstanceOf(TlsConfigError);
    expect(await readTlsFiles(undefined, undefined)).toBeUndefined();
  });
});
