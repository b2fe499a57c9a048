import { EVENTS, type MutateReply, type ResyncPayload, type SyncJoinConfig } from '@wedsync/protocol';
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
  const offChanges = channel.on(EVENTS.changes, (payload) => {
    if (bound) store.applyChanges(topic, payload as Parameters<RecordStore['applyChanges']>[1]);
  });
  const offResync = channel.on(EVENTS.resync, (payload) => {
    if (bound) store.applyResync(topic, payload as ResyncPayload);
  });
  const offState = channel.onState((state) => {
    if (state === 'joined') store.outbox.resume();
  });
  store.outbox.setSender(topic, {
    ready: () => bound && channel.state === 'joined',
    send: (payload, timeoutMs) => channel.push(EVENTS.mutate, payload, { timeoutMs }) as Promise<MutateReply>,
  });
  const requestSnapshot = () => {
    if (snapshotInFlight || !bound) return;
    snapshotInFlight = true;
    channel
      .push(EVENTS.snapshot, {}, { timeoutMs: options.snapshotTimeoutMs ?? 10_000 })
      .then(
        (reply) => {
          if (bound) store.applyResync(topic, reply as ResyncPayload);
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
    store.outbox.setSender(topic, undefined);
    unregister();
  };
  const unregister = store.registerChannel(topic, { requestSnapshot, unbind });
  return unbind;
}
