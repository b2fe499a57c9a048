import { once } from 'node:events';
import net from 'node:net';
import { expect, it } from 'vitest';
import { activeResources, grownResources } from '../../server/test/fanout-bus-contract.ts';
import { BusUnavailableError, createRedisBus } from '../src/index.ts';

/** A local port nobody listens on (bound, then released), so connecting is refused at once. */
async function refusedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

it('R15.1 createRedisBus rejects with BUS_UNAVAILABLE (password redacted) when Redis cannot be reached, and leaks nothing', async () => {
  const url = `redis://user:secret@127.0.0.1:${await refusedPort()}`;
  const before = activeResources();
  const failure = await createRedisBus({ url, connectTimeoutMs: 500 }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(BusUnavailableError);
  expect(String(failure)).toMatch(/BUS_UNAVAILABLE: cannot reach Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1/);
  expect(String(failure)).not.toContain('secret');
  expect(grownResources(before, activeResources())).toEqual([]);
});
