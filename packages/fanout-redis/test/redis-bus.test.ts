import { runFanoutBusContract } from '../../server/test/fanout-bus-contract.ts';
import { makeRedisPair } from './redis-fixture.ts';

runFanoutBusContract('Redis', () => makeRedisPair());
