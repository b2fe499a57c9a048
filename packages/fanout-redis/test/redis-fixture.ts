import { randomUUID } from 'node:crypto';
import type { FanoutBus } from '@wedsync/server';
import type { BusPair } from '../../server/test/fanout-bus-contract.ts';
import { createRedisBus, type RedisBusOptions } from '../src/index.ts';
import { TcpProxy } from './tcp-proxy.ts';

/** The Redis these suites run against; the test runner sets REDIS_URL (and skips them when it is unset). */
export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: this suite needs a real Redis server');
  return url;
}

/** A prefix unique to this test run, so runs sharing one Redis server never see each other's messages. */
export function uniquePrefix(label: string): string {
  return `t-${label}-${randomUUID().slice(0, 8)}:`;
}

/**
 * Fast failure detection for fault tests (production defaults are seconds). The contract suite keeps a
 * generous command timeout, as its bursts of 1,000 pipelined publishes share two busy cores.
 */
export const fastTimings = {
  commandTimeoutMs: 500,
  connectTimeoutMs: 500,
  pingIntervalMs: 100,
  reconnectBaseDelayMs: 10,
  maxReconnectDelayMs: 50,
} satisfies Partial<RedisBusOptions>;

/**
 * Node `a` reaches Redis through a TCP proxy (so the test can partition it), node `b` directly. Both
 * share one key prefix; `a`'s connections are named `<connectionName>-pub` / `-sub`.
 */
export async function makeRedisPair(
  options: Partial<RedisBusOptions> = {},
): Promise<BusPair & { proxy: TcpProxy; keyPrefix: string; connectionNameA: string; connectionNameB: string }> {
  const url = redisUrl();
  const keyPrefix = options.keyPrefix ?? uniquePrefix('bus');
  const connectionNameA = `${keyPrefix.replace(/:$/, '')}-a`;
  const connectionNameB = `${keyPrefix.replace(/:$/, '')}-b`;
  const proxy = await TcpProxy.start(url);
  const opened: FanoutBus[] = [];
  const close = async () => {
    await Promise.all(opened.map((bus) => bus.close()));
    await proxy.close();
  };
  try {
    const settings = { ...fastTimings, commandTimeoutMs: 5000, ...options, keyPrefix };
    const a = await createRedisBus({
      ...settings,
      url: proxy.urlFor(url),
      nodeId: 'node-a',
      connectionName: connectionNameA,
    });
    opened.push(a);
    const b = await createRedisBus({ ...settings, url, nodeId: 'node-b', connectionName: connectionNameB });
    opened.push(b);
    return {
      a,
      b,
      proxy,
      keyPrefix,
      connectionNameA,
      connectionNameB,
      detach: async () => proxy.cut(),
      reattach: async () => proxy.restore(),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
