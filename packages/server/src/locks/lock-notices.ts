import { EVENTS, type LockStatePayload } from '@wedsync/protocol';
import type { FanoutBus } from '../fanout/fanout-bus.ts';
import type { LocalPayload } from '../records/record-sync-host.ts';
import type { LockRow } from '../storage/storage.ts';
import { type LockProjectionHooks, lockNoticeFor } from './lock-projection.ts';

/** Bus subject of lock notices; every node delivers them to its local channels carrying the scope. */
export const LOCK_NOTICE_SUBJECT = 'records:locks';

interface LockNotice {
  /** Publishing node; it delivered locally already and skips its own echo. */
  n: string;
  scope: string;
  state: LockStatePayload;
}

export interface LockNoticesOptions {
  bus: FanoutBus;
  /** This node's channels that carry a scope. */
  localTopicsOfScope: (scope: string) => Iterable<string>;
  /** A payload function is called per member session; `undefined` sends that member nothing. */
  deliverLocal: (topic: string, event: string, payload: LocalPayload) => void;
  /** Projects each notice per audience (R14.2); without it every member gets the notice as is. */
  projection?: LockProjectionHooks;
  onError: (error: unknown, context: string) => void;
  /** Every notice of a scope reaching this node (its own or another node's), before its delivery. */
  onNotice?: (scope: string) => void;
}

/**
 * `lock_state` notices (R4.1, R10.2): ephemeral, so they travel on the bus only. The publishing node
 * delivers to its own members directly, so a notice still reaches local members while the bus is down.
 * The bus carries the notice as stored; every node projects it for its own members, once per audience
 * (R14.2: an anonymous holder, a lock on a record an audience may not see).
 */
export class LockNotices {
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(private readonly options: LockNoticesOptions) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.options.bus.subscribe(LOCK_NOTICE_SUBJECT, (message) => {
      let notice: LockNotice;
      try {
        notice = JSON.parse(message) as LockNotice;
      } catch (error) {
        this.options.onError(error, 'lock notice');
        return;
      }
      if (notice.n !== this.options.bus.nodeId) this.deliver(notice.scope, notice.state);
    });
  }

  /** Announces that `row` is held (acquired) or free (`released`). */
  announce(row: LockRow, released: boolean): void {
    const state = released ? freedStateOf(row) : lockStateOf(row);
    this.deliver(row.scope, state);
    const notice: LockNotice = { n: this.options.bus.nodeId, scope: row.scope, state };
    this.options.bus
      .publish(LOCK_NOTICE_SUBJECT, JSON.stringify(notice))
      .catch((error) => this.options.onError(error, 'lock notice publish'));
  }

  private deliver(scope: string, state: LockStatePayload): void {
    const { projection, onError } = this.options;
    this.options.onNotice?.(scope);
    for (const topic of this.options.localTopicsOfScope(scope)) {
      const payload = projection?.projectLockState ? lockNoticeFor(projection, state, scope, topic, onError) : state;
      this.options.deliverLocal(topic, EVENTS.lockState, payload);
    }
  }

  async close(): Promise<void> {
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}

export function lockStateOf(row: LockRow): LockStatePayload {
  const state: LockStatePayload = {
    c: row.c,
    id: row.id,
    holder: { userId: row.holder.userId, name: row.holder.name },
  };
  if (row.f !== undefined) state.f = row.f;
  state.expiresAt = new Date(row.expiresAtMs).toISOString();
  return state;
}

export function freedStateOf(row: LockRow): LockStatePayload {
  const state: LockStatePayload = { c: row.c, id: row.id, holder: null };
  if (row.f !== undefined) state.f = row.f;
  return state;
}
