import type { FanoutBus } from '@wedsync/server';
import { afterEach, expect, it } from 'vitest';
import { collector } from '../../server/test/fanout-bus-contract.ts';
import { createRedisBus } from '../src/index.ts';
import { redisUrl, uniquePrefix } from './redis-fixture.ts';

const opened: FanoutBus[] = [];
async function bus(options: { keyPrefix: string; onHandlerError?: (error: unknown, subject: string) => void }) {
  const created = await createRedisBus({ url: redisUrl(), ...options });
  opened.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((created) => created.close()));
});

it('R14.2 buses with different key prefixes share a Redis server without seeing each other', async () => {
  const [mine, theirs] = [uniquePrefix('mine'), uniquePrefix('theirs')];
  const [a, b, stranger] = [
    await bus({ keyPrefix: mine }),
    await bus({ keyPrefix: mine }),
    await bus({ keyPrefix: theirs }),
  ];
  const [onB, onStranger] = [collector(), collector()];
  await b.subscribe('wedding:1', onB.handler);
  await stranger.subscribe('wedding:1', onStranger.handler);
  await a.publish('wedding:1', 'private');
  await stranger.publish('wedding:1', 'fence');
  await onB.untilMessage('private');
  await onStranger.untilMessage('fence');
  expect(onB.messages()).toEqual(['private']);
  expect(onStranger.messages()).toEqual(['fence']);
});

it('R3.1 a throwing handler is reported and does not stop the other handlers or later messages', async () => {
  const errors: Array<{ error: unknown; subject: string }> = [];
  const node = await bus({
    keyPrefix: uniquePrefix('throw'),
    onHandlerError: (error, subject) => errors.push({ error, subject }),
  });
  const healthy = collector();
  await node.subscribe('s', () => {
    throw new Error('handler bug');
  });
  await node.subscribe('s', healthy.handler);
  await node.publish('s', 'one');
  await node.publish('s', 'two');
  await healthy.untilCount(2);
  expect(healthy.messages()).toEqual(['one', 'two']);
  expect(errors.map((entry) => [String(entry.error), entry.subject])).toEqual([
    ['Error: handler bug', 's'],
    ['Error: handler bug', 's'],
  ]);
  expect(await node.health()).toEqual({ ok: true });
});

it('R3.1 one function subscribed twice is two subscriptions; removing one keeps the other', async () => {
  const node = await bus({ keyPrefix: uniquePrefix('twice') });
  const seen = collector();
  const stopFirst = await node.subscribe('s', seen.handler);
  await node.subscribe('s', seen.handler);
  await node.publish('s', 'both');
  await seen.untilCount(2);
  await stopFirst();
  await node.publish('s', 'one');
  await seen.untilMessage('one');
  expect(seen.messages()).toEqual(['both', 'both', 'one']);
});
