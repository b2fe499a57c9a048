import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealtimeServer, type RealtimeServer } from '../src/index.ts';
import { SECRET } from './engine-harness.ts';

let server: RealtimeServer | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await server?.close();
  server = undefined;
});

/** The options the HTTP server's `listen` was called with. */
async function listenOptionsOf(options: Parameters<RealtimeServer['listen']>[0]): Promise<Record<string, unknown>> {
  server = await createRealtimeServer({ jwtSecret: SECRET });
  const listen = vi.spyOn(server.app.server, 'listen');
  await server.listen(options);
  return listen.mock.calls[0]?.[0] as Record<string, unknown>;
}

describe('listen backlog (issue 9, DESIGN §7)', () => {
  it('listens with a backlog of 4,096 by default, not Node’s 511 that a connect storm overflows', async () => {
    expect(await listenOptionsOf(undefined)).toMatchObject({ port: 0, host: '127.0.0.1', backlog: 4096 });
  });

  it('passes a given backlog to the listening socket', async () => {
    expect(await listenOptionsOf({ backlog: 128 })).toMatchObject({ backlog: 128 });
  });
});
