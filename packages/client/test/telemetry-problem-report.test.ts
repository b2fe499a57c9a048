import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryQueueStorage } from '../src/outbox/memory-queue-storage.ts';
import { Outbox } from '../src/outbox/outbox.ts';
import { collectDiagnostics, sendProblemReport } from '../src/telemetry/problem-report.ts';
import { SyncTelemetry } from '../src/telemetry/sync-telemetry.ts';
import { scriptedClient } from './scripted-client.ts';

let server: Server | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

describe('report a problem from the SDK (R15.2)', () => {
  it('R15.2 bundles link state, channels, queue, telemetry and the last log lines', async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const { client, connectOpen, joinOk } = scriptedClient();
    await connectOpen();
    await joinOk('wedding:w1');
    const { outbox } = await Outbox.open({ storage: new MemoryQueueStorage() });
    outbox.enqueue({ topic: 'wedding:w1', c: 'weddings', id: 'w1', base: 0, ops: [{ k: 'set', f: 1, v: 'x' }] });
    const telemetry = new SyncTelemetry({ client, send: async () => {} });
    const log = Array.from({ length: 250 }, (_, index) => `line ${index}`);
    const bundle = collectDiagnostics({ client, outbox, telemetry, log, extra: { app: '1.2.3' } });
    expect(bundle).toMatchObject({
      at: '2023-11-14T22:13:20.000Z',
      status: { state: 'connected' },
      channels: [{ topic: 'wedding:w1', state: 'joined', reason: null }],
      queue: { queued: 1 },
      telemetry: { pendingReports: 0, droppedReports: 0 },
      extra: { app: '1.2.3' },
    });
    expect(bundle.log).toHaveLength(200);
    expect((bundle.log as string[])[0]).toBe('line 50');
    expect(JSON.parse(JSON.stringify(bundle))).toEqual(bundle);
    await telemetry.close({ flush: false });
    outbox.close();
    await client.close();
  });

  it('R15.2 posts the bundle with the bearer token and surfaces PAYLOAD_TOO_LARGE', async () => {
    const bodies: string[] = [];
    let status = 201;
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        bodies.push(`${request.headers.authorization} ${body}`);
        const reply =
          status === 201 ? { id: '7', auditEvents: 3 } : { error: { code: 'PAYLOAD_TOO_LARGE', message: 'too big' } };
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/report-problem`;
    const report = { description: 'stuck', diagnostics: { log: ['a'] } };
    expect(await sendProblemReport({ url, token: 't1', report })).toEqual({ id: '7', auditEvents: 3 });
    expect(bodies[0]).toBe(`Bearer t1 ${JSON.stringify(report)}`);
    status = 413;
    await expect(sendProblemReport({ url, token: 't1', report })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      status: 413,
    });
  });
});
