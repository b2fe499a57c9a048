import type { FanoutBus } from '../fanout/fanout-bus.ts';

/**
 * The part of the realtime server that record sync plugs into (`createRealtimeServer` satisfies it).
 * Declared structurally here so the records module depends on the contract, not on the transport.
 */
export interface SyncSession {
  id: string;
  user: { id: string; name: string; claims: Record<string, unknown> };
}

export interface SyncEventContext {
  session: SyncSession;
  topic: string;
  joinRef: string | null;
  ref: string | null;
  payload: unknown;
  reply(status: 'ok' | 'error', response: unknown): void;
  push(event: string, payload: unknown): void;
}

export interface SyncJoinContext {
  session: SyncSession;
  topic: string;
  joinRef: string | null;
  payload: unknown;
  push(event: string, payload: unknown): void;
}

export interface SyncLeaveContext {
  session: SyncSession;
  topic: string;
  reason: string;
}

/** Returning `undefined` from a per-session payload function sends nothing to that session. */
export type LocalPayload = unknown | ((session: SyncSession) => unknown);

export interface RecordSyncHost {
  readonly bus: FanoutBus;
  readonly nodeId: string;
  registerEvent(event: string, handler: (ctx: SyncEventContext) => void | Promise<void>): unknown;
  onJoin(listener: (ctx: SyncJoinContext) => void | Promise<void>): unknown;
  onLeave(listener: (ctx: SyncLeaveContext) => void | Promise<void>): unknown;
  onDisconnect(listener: (session: SyncSession) => void | Promise<void>): unknown;
  deliverLocal(topic: string, event: string, payload: LocalPayload): unknown;
}
