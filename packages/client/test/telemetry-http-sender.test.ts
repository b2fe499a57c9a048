import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TelemetryBatch } from '@wedsync/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTelemetrySender, TelemetrySendError } from '../src/telemetry/http-telemetry-sender.ts';

const batch: TelemetryBatch = {
  reports: [
    {
      windowStartMs: 1_000,
      windowMs: 10_000,
      connectedMs: 10_000,
      latencyMs: [12],
      messagesIn: 3,
      messagesOut: 2,
      reconnects: 0,
      syncAttempts: 1,
      syncFailures: 0,
      conflicts: 0,
    },
  ],
};

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A real HTTP endpoint answering `status` and recording what it got. */
async function endpoint(status: number) {
  const received: Array<{ method?: string; headers: IncomingMessage['headers']; body: string }> = [];
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ method: request.method, headers: request.headers, body });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/telemetry`, received };
}

describe('HTTP telemetry sender (R12.1)', () => {
  it('R12.1 POSTs the batch as JSON with the bearer token from the provider', async () => {
    const { url, received } = await endpoint(204);
    const send = createHttpTelemetrySender({ url, token: async () => 'token-1' });
    await send(batch);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      method: 'POST',
      headers: { authorization: 'Bearer token-1', 'content-type': 'application/json' },
    });
    expect(JSON.parse(received[0]!.body)).toEqual(batch);
  });

  it('R12.1 a 5xx or 429 answer is retryable, other 4xx are not', async () => {
    const busy = await endpoint(503);
    await expect(createHttpTelemetrySender({ url: busy.url, token: 't' })(batch)).rejects.toMatchObject({
      status: 503,
      retry: true,
    });
    await new Promise((resolve) => server?.close(resolve));
    const bad = await endpoint(400);
    const error = await createHttpTelemetrySender({ url: bad.url, token: 't' })(batch).catch((caught) => caught);
    expect(error).toBeInstanceOf(TelemetrySendError);
    expect(error).toMatchObject({ status: 400, retry: false });
  });
});
