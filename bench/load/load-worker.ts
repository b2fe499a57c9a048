/**
 * A load-generator process (forked by `LoadPool`): holds up to ~19,000 counting clients (the
 * per-process open-file limit is 20,000) and answers the coordinator's RPCs.
 */
import { RpcPeer } from '../ipc/rpc-peer.ts';
import { ClientFleet, type OpenRequest, type PublishRequest } from './client-fleet.ts';
import type { ClientLayout } from './client-layout.ts';
import { PresenceChurnDriver } from './presence-churn-driver.ts';
import { SyncDriver } from './sync-driver.ts';

const rpc = new RpcPeer(process, 'load worker');
let fleet: ClientFleet | undefined;
let sync: SyncDriver | undefined;
let churn: PresenceChurnDriver | undefined;

const needFleet = (): ClientFleet => {
  if (!fleet) throw new Error('init first');
  return fleet;
};
const needSync = (): SyncDriver => {
  sync ??= new SyncDriver(needFleet());
  return sync;
};
const needChurn = (): PresenceChurnDriver => {
  if (!churn) throw new Error('churnStart first');
  return churn;
};

/** Resolves once no client socket is open any more (bounded). */
async function waitAllClosed(timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && needFleet().openCount() > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  return needFleet().openCount();
}

rpc.serve({
  init(params: { layout: ClientLayout; first: number; count: number }) {
    fleet?.dispose();
    fleet = new ClientFleet(params.layout, params.first, params.count);
    // Record-sync clients count changes from the first frame on (joins may already replay some).
    sync = params.layout.sync ? new SyncDriver(fleet) : undefined;
    churn = undefined;
    return { clients: fleet.connections.length };
  },
  open: (request: OpenRequest) => needFleet().open(request),
  publish: (request: PublishRequest) => needFleet().publish(request),
  collect: (params: { reset: boolean }) => needFleet().collect(params.reset),
  /** Cheap progress counters for drain loops. */
  progress: () => ({
    delivered: needFleet().delivered,
    syncDelivered: sync?.delivered ?? 0,
    syncExpected: sync?.expected ?? 0,
    presenceSeen: churn ? churn.joinsSeen + churn.leavesSeen : 0,
    presenceExpected: churn ? churn.expectedJoins + churn.expectedLeaves : 0,
  }),
  openCount: () => needFleet().openCount(),
  async closeAll(params: { timeoutMs?: number }) {
    needFleet().closeAll();
    return { stillOpen: await waitAllClosed(params.timeoutMs ?? 10_000) };
  },
  async killAll() {
    needFleet().killAll();
    return { stillOpen: await waitAllClosed(5_000) };
  },
  syncRecordArrivals(params: { on: boolean }) {
    needSync().recordArrivals = params.on;
  },
  mutate: (request: { ratePerSecond: number; durationMs: number; recordsPerWriter: number }) =>
    needSync().mutate(request),
  syncCollect: (params: { reset: boolean }) => needSync().collect(params.reset),
  syncLastSeqs: () => needFleet().connections.map((connection) => connection.lastSeq ?? -1),
  armReconnect: (params: { jitterMs: number; hold: boolean }) => needSync().armReconnect(params),
  releaseReconnect: () => needSync().releaseReconnect(),
  setTargets: (params: { headByRoom: Record<string, number>; startUs: number }) => needSync().setTargets(params),
  awaitCaughtUp: (params: { timeoutMs: number }) => needSync().awaitCaughtUp(params),
  churnStart(params: { churnersPerRoom: number }) {
    churn = new PresenceChurnDriver(needFleet(), params.churnersPerRoom);
  },
  churn: (request: { ratePerSecond: number; durationMs: number }) => needChurn().churn(request),
  churnCollect: (params: { reset: boolean }) => needChurn().collect(params.reset),
  churnRestore: () => needChurn().restore(),
  memory: () => process.memoryUsage().rss,
  exit() {
    fleet?.dispose();
    setImmediate(() => process.exit(0));
  },
});
process.on('disconnect', () => process.exit(0));
rpc.emit('ready', { pid: process.pid });
