import {
  type ChangesPayload,
  EVENTS,
  type MutatePayload,
  type MutateReply,
  type ResyncPayload,
  type SyncJoinConfig,
} from '@wedsync/protocol';
import { InboundQueue } from './inbound-decompression.ts';
import { compressionCandidates, compressMutatePayload } from './outbound-compression.ts';
import type { RecordStore } from './record-store.ts';

/**
 * The part of a realtime channel the store uses (`Channel` from this SDK fits; tests may bind
 * anything with the same shape).
 */
export interface SyncChannel {
  readonly topic: string;
  readonly state: string;
  on(event: string, handler: (payload: unknown) => void): () => void;
  onState(listener: (state: string, reason: string | null) => void): () => void;
  push(event: string, payload: unknown, options?: { timeoutMs?: number }): Promise<unknown>;
  setJoinPayloadHook(hook: (() => { sync: SyncJoinConfig }) | undefined): void;
}

export interface BindOptions {
  /** Reply timeout of snapshot requests; default 10 000 ms. */
  snapshotTimeoutMs?: number;
}

/**
 * Connects a channel to the store (R11.2): every (re)join sends `config.sync` (resume after lastSeq,
 * or ask for a snapshot), `sync_changes` / `sync_resync` feed the store, the outbox sends this topic's
 * mutations through the channel while it is joined and resumes at each rejoin. Returns the unbind
 * function (no listener or hook is left behind).
 */
export function bindChannel(store: RecordStore, channel: SyncChannel, options: BindOptions = {}): () => void {
  const topic = channel.topic;
  let snapshotInFlight = false;
  let bound = true;
  channel.setJoinPayloadHook(() => ({ sync: store.joinConfig(topic) }));
  // R12.2: payloads with compressed values are decoded asynchronously but applied in arrival order.
  const inbound = new InboundQueue({ onError: (error) => store.reportError(error) });
  const applyChanges = (payload: ChangesPayload) => {
    if (bound) store.applyChanges(topic, payload);
  };
  const applyResync = (payload: ResyncPayload) => {
    if (bound) store.applyResync(topic, payload);
  };
  const undecodable = (error: unknown) => {
    if (!bound) return;
    store.reportError(error);
    requestSnapshot();
  };
  const offChanges = channel.on(EVENTS.changes, (payload) => {
    if (bound) inbound.accept(payload as ChangesPayload, applyChanges, undecodable);
  });
  const offResync = channel.on(EVENTS.resync, (payload) => {
    if (bound) inbound.accept(payload as ResyncPayload, applyResync, undecodable);
  });
  const offState = channel.onState((state) => {
    if (state === 'joined') store.resumeSending();
  });
  store.setSender(topic, {
    ready: () => bound && channel.state === 'joined',
    send: (payload, timeoutMs) => {
      const push = (wire: MutatePayload) => channel.push(EVENTS.mutate, wire, { timeoutMs }) as Promise<MutateReply>;
      // R12.2: large values travel compressed; small mutations are pushed at once, with no async hop.
      const candidates = compressionCandidates(payload);
      return candidates.size === 0 ? push(payload) : compressMutatePayload(payload, candidates).then(push);
    },
  });
  const requestSnapshot = () => {
    if (snapshotInFlight || !bound) return;
    snapshotInFlight = true;
    channel
      .push(EVENTS.snapshot, {}, { timeoutMs: options.snapshotTimeoutMs ?? 10_000 })
      .then(
        (reply) => {
          if (bound) inbound.accept(reply as ResyncPayload, applyResync, (error) => bound && store.reportError(error));
        },
        (error: unknown) => {
          if (bound) store.reportError(error);
        },
      )
      .finally(() => {
        snapshotInFlight = false;
      });
  };
  const unbind = () => {
    if (!bound) return;
    bound = false;
    offChanges();
    offResync();
    offState();
    channel.setJoinPayloadHook(undefined);
    store.setSender(topic, undefined);
    unregister();
  };
  const unregister = store.registerChannel(topic, { requestSnapshot, unbind });
  return unbind;
}
