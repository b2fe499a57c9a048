import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MemoryQueueStorage } from '../src/outbox/memory-queue-storage.ts';
import { RealtimeClient } from '../src/realtime-client.ts';
import { bindChannel } from '../src/store/channel-binding.ts';
import { RecordStore } from '../src/store/record-store.ts';
import type { RecordChangeInfo } from '../src/store/store-types.ts';
import type { TransportKind } from '../src/transports/transport-selector.ts';
import type { ClientStatus } from '../src/transports/transport-status.ts';
import { statusWhere } from './server-fixture.ts';
import { ITEMS, SyncWorld, settledWhen, signToken, storeRecords } from './store-sync-fixture.ts';
import { UpgradeBlockingProxy } from './transport-fallback-proxy.ts';

describe('R15.1 WebSocket refused by a proxy: sync over long-poll, upgrade back, nothing lost or duplicated', () => {
  let world: SyncWorld;
  let proxy: UpgradeBlockingProxy;
  beforeAll(async () => {
    world = await SyncWorld.start();
    proxy = await UpgradeBlockingProxy.start(Number(new URL(world.wsUrl).port));
  });
  afterAll(async () => {
    await proxy.close();
    await world.close();
  });

  it('R15.1 falls back on refused upgrades, upgrades when the block lifts, falls back again; a checker finds 0 lost and 0 duplicated changes', async () => {
    world.freshTopic();
    proxy.blockUpgrades(403);
    const writer = await world.connect('writer');

    const store = await RecordStore.open({
      storage: new MemoryQueueStorage(),
      schemas: [ITEMS],
      defaultTopic: world.topic,
      onError: (error) => {
        throw error;
      },
    });
    const reader = new RealtimeClient({
      url: proxy.wsUrl(),
      token: await signToken('reader'),
      WebSocket: WebSocket as never,
      onlineEvents: null,
      backoff: { baseMs: 20, capMs: 100 },
      heartbeatIntervalMs: 2_000,
      longPoll: { upgradeProbeIntervalMs: 50 },
    });
    const transports: TransportKind[] = [];
    reader.onStatus((status) => {
      if (status.state === 'connected' && transports.at(-1) !== status.transport) transports.push(status.transport);
    });
    const channel = reader.channel(world.topic);
    const unbind = bindChannel(store, channel);
    const remoteCreates = new Map<string, number>();
    store.subscribe((changes: RecordChangeInfo[]) => {
      for (const change of changes) {
        if (change.source === 'remote' && change.created)
          remoteCreates.set(change.id, (remoteCreates.get(change.id) ?? 0) + 1);
      }
    });
    const expectedRemote: string[] = [];
    const writeRemote = (from: number, to: number) => {
      for (let n = from; n <= to; n++) {
        const id = world.rid(`k${n}`);
        expectedRemote.push(id);
        writer.store.create('items', id, { title: `k${n}` });
      }
    };
    const writeLocal = (from: number, to: number) => {
      for (let n = from; n <= to; n++) store.create('items', world.rid(`m${n}`), { title: `m${n}` });
    };
    const readerHasAll = () => expectedRemote.every((id) => store.record('items', id)?.v === 1);
    const settled = (what: string) =>
      settledWhen(
        [store, writer.store],
        () => readerHasAll() && store.outbox.entries().length === 0 && writer.store.outbox.entries().length === 0,
        what,
        15_000,
      );

    try {
      // 1. Upgrades refused: the first link continues over long-poll.
      await channel.join();
      expect(reader.status.transport).toBe('longpoll');
      expect(proxy.refusedUpgrades).toBeGreaterThan(0);
      writeRemote(1, 5);
      writeLocal(1, 3);
      await settled('sync over long-poll');

      // 2. The block lifts while changes keep coming: the probe finds a WebSocket and the client switches.
      writeRemote(6, 8);
      proxy.allowUpgrades();
      writeLocal(4, 5);
      await statusWhere(
        reader,
        (s) => s.state === 'connected' && (s as ClientStatus).transport === 'websocket',
        10_000,
      );
      writeRemote(9, 10);
      await settled('sync after the upgrade');

      // 3. Blocked again and the open WebSocket cut: back to long-poll.
      proxy.blockUpgrades(502);
      proxy.dropTunnels();
      writeRemote(11, 13);
      writeLocal(6, 8);
      await statusWhere(reader, (s) => s.state === 'connected' && (s as ClientStatus).transport === 'longpoll', 10_000);
      writeRemote(14, 15);
      await settled('sync after falling back again');

      expect(transports).toEqual(['longpoll', 'websocket', 'longpoll']);
      // Checker: every remote change applied exactly once, every local one committed exactly once.
      const lost = expectedRemote.filter((id) => !remoteCreates.has(id));
      const duplicated = [...remoteCreates].filter(([, count]) => count !== 1);
      expect({ lost, duplicated }).toEqual({ lost: [], duplicated: [] });
      const server = await world.serverRecords();
      for (let n = 1; n <= 8; n++) expect(server.get(world.rid(`m${n}`))?.v).toBe(1);
      expect(server.size).toBe(15 + 8);
      expect(storeRecords(store)).toEqual(server);
      expect(store.outbox.progress()).toMatchObject({ queued: 0, failed: 0, done: 8 });
      expect(reader.usage().sessionReceived).toBeGreaterThan(0);
    } finally {
      unbind();
      await store.close();
      await reader.close();
    }
  });
});
