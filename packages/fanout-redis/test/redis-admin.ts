import { Redis } from 'ioredis';
import { redisUrl } from './redis-fixture.ts';

/**
 * A plain connection for fault tests to inspect and disturb *their own* bus connections on the shared
 * Redis server: connections are found by their exact CLIENT SETNAME and killed by id only, never by a
 * broader filter (other users of the server must not notice these tests).
 */
export class RedisAdmin {
  readonly redis = new Redis(redisUrl(), { lazyConnect: false, maxRetriesPerRequest: 1 });

  async clientIds(name: string): Promise<string[]> {
    const list = String(await this.redis.call('CLIENT', 'LIST'));
    return list
      .split('\n')
      .filter((line) => line.split(' ').includes(`name=${name}`))
      .map((line) => /(?:^| )id=(\d+)/.exec(line)?.[1])
      .filter((id): id is string => id !== undefined);
  }

  /** Kills every connection named exactly `name` (a bus has one per role); returns the killed ids. */
  async kill(...names: string[]): Promise<string[]> {
    const ids = (await Promise.all(names.map((name) => this.clientIds(name)))).flat();
    if (ids.length !== names.length) throw new Error(`expected one connection per name ${names}, found ${ids}`);
    // One MULTI, so every kill lands before the bus can reconnect any of them.
    const transaction = this.redis.multi();
    for (const id of ids) transaction.call('CLIENT', 'KILL', 'ID', id);
    await transaction.exec();
    return ids;
  }

  async subscriberCounts(channels: string[]): Promise<number[]> {
    const reply = (await this.redis.call('PUBSUB', 'NUMSUB', ...channels)) as Array<string | number>;
    return channels.map((_, i) => Number(reply[2 * i + 1]));
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
