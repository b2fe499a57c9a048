import { InProcessBusHub } from '../src/fanout/in-process-bus.ts';
import { runFanoutBusContract } from './fanout-bus-contract.ts';

runFanoutBusContract('in-process', async () => {
  const hub = new InProcessBusHub();
  const a = hub.createBus('node-a');
  const b = hub.createBus('node-b');
  return {
    a,
    b,
    detach: async () => a.setDetached(true),
    reattach: async () => a.setDetached(false),
    close: async () => {
      await Promise.all([a.close(), b.close()]);
    },
  };
});
