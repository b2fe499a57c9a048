import type { PresenceDiff, PresenceMap, PresenceMeta } from '@wedsync/protocol';

/**
 * One tracked presence as the app sees it: the tracked fields plus `presence_ref` (the server's
 * `phx_ref`, renamed as @supabase/realtime-js does; `phx_ref_prev` dropped).
 */
export type PresenceEntry = Record<string, unknown> & { presence_ref: string };
/** Presence key (`config.presence.key`, usually the user id) → that key's entries (one per tab/device). */
export type PresenceView = Record<string, PresenceEntry[]>;

export type PresenceSyncHandler = () => void;
/** `current` is the key's entries before the change; `changed` the entries that joined or left. */
export type PresenceChangeHandler = (key: string, current: PresenceEntry[], changed: PresenceEntry[]) => void;

const toEntry = (meta: PresenceMeta): PresenceEntry => {
  const { phx_ref, phx_ref_prev: _prev, ...fields } = meta;
  return { ...fields, presence_ref: phx_ref };
};
const toEntries = (metas: PresenceMeta[]): PresenceEntry[] => metas.map(toEntry);

/**
 * Applies `presence_state` and `presence_diff` like Phoenix Presence: a full state replaces the old one
 * (reporting the difference as joins/leaves); diffs that arrive before the state of the current join are
 * held until it comes, so a rejoin never shows a half-applied picture.
 */
export class PresenceStore {
  private state: PresenceMap = {};
  private synced = false;
  private pendingDiffs: PresenceDiff[] = [];
  private readonly syncHandlers = new Set<PresenceSyncHandler>();
  private readonly joinHandlers = new Set<PresenceChangeHandler>();
  private readonly leaveHandlers = new Set<PresenceChangeHandler>();

  constructor(private readonly reportError: (error: unknown) => void) {}

  get handlerCount(): number {
    return this.syncHandlers.size + this.joinHandlers.size + this.leaveHandlers.size;
  }

  /** A new join began: diffs wait for its `presence_state`. */
  resetForJoin(): void {
    this.synced = false;
    this.pendingDiffs = [];
  }

  /** The channel closed: everyone left. */
  clear(): void {
    this.resetForJoin();
    if (Object.keys(this.state).length === 0) return;
    this.applyState({});
  }

  list(): PresenceView {
    const view: PresenceView = {};
    for (const [key, { metas }] of Object.entries(this.state)) view[key] = toEntries(metas);
    return view;
  }

  on(event: 'sync', handler: PresenceSyncHandler): () => void;
  on(event: 'join' | 'leave', handler: PresenceChangeHandler): () => void;
  on(event: 'sync' | 'join' | 'leave', handler: PresenceSyncHandler | PresenceChangeHandler): () => void {
    const set = (
      event === 'sync' ? this.syncHandlers : event === 'join' ? this.joinHandlers : this.leaveHandlers
    ) as Set<PresenceSyncHandler | PresenceChangeHandler>;
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  receiveState(state: unknown): void {
    this.applyState(sanitizeMap(state));
    this.synced = true;
    const pending = this.pendingDiffs;
    this.pendingDiffs = [];
    for (const diff of pending) this.applyDiff(diff);
    this.emitSync();
  }

  receiveDiff(payload: unknown): void {
    const raw = (payload ?? {}) as { joins?: unknown; leaves?: unknown };
    const diff: PresenceDiff = { joins: sanitizeMap(raw.joins), leaves: sanitizeMap(raw.leaves) };
    if (!this.synced) {
      this.pendingDiffs.push(diff);
      return;
    }
    this.applyDiff(diff);
    this.emitSync();
  }

  /** Replaces the state, reporting what joined and left relative to the old one. */
  private applyState(next: PresenceMap): void {
    const joins: PresenceMap = {};
    const leaves: PresenceMap = {};
    for (const [key, { metas }] of Object.entries(this.state)) {
      if (!next[key]) leaves[key] = { metas };
    }
    for (const [key, { metas }] of Object.entries(next)) {
      const current = this.state[key];
      if (!current) {
        joins[key] = { metas };
        continue;
      }
      const nextRefs = new Set(metas.map((meta) => meta.phx_ref));
      const currentRefs = new Set(current.metas.map((meta) => meta.phx_ref));
      const joined = metas.filter((meta) => !currentRefs.has(meta.phx_ref));
      const left = current.metas.filter((meta) => !nextRefs.has(meta.phx_ref));
      if (joined.length > 0) joins[key] = { metas: joined };
      if (left.length > 0) leaves[key] = { metas: left };
    }
    this.applyDiff({ joins, leaves });
  }

  private applyDiff({ joins, leaves }: PresenceDiff): void {
    for (const [key, { metas }] of Object.entries(joins)) {
      const before = this.state[key]?.metas ?? [];
      const joinedRefs = new Set(metas.map((meta) => meta.phx_ref));
      this.state[key] = { metas: [...before.filter((meta) => !joinedRefs.has(meta.phx_ref)), ...metas] };
      this.emitChange(this.joinHandlers, key, before, metas);
    }
    for (const [key, { metas }] of Object.entries(leaves)) {
      const current = this.state[key];
      if (!current) continue;
      const leftRefs = new Set(metas.map((meta) => meta.phx_ref));
      const remaining = current.metas.filter((meta) => !leftRefs.has(meta.phx_ref));
      if (remaining.length > 0) this.state[key] = { metas: remaining };
      else delete this.state[key];
      this.emitChange(this.leaveHandlers, key, current.metas, metas);
    }
  }

  private emitChange(
    handlers: Set<PresenceChangeHandler>,
    key: string,
    before: PresenceMeta[],
    changed: PresenceMeta[],
  ): void {
    if (handlers.size === 0) return;
    const current = toEntries(before);
    const changedEntries = toEntries(changed);
    for (const handler of [...handlers]) {
      try {
        handler(key, current, changedEntries);
      } catch (error) {
        this.reportError(error);
      }
    }
  }

  private emitSync(): void {
    for (const handler of [...this.syncHandlers]) {
      try {
        handler();
      } catch (error) {
        this.reportError(error);
      }
    }
  }
}

/** Keeps only well-formed `{ key: { metas: [{ phx_ref, ... }] } }` entries; a bad server frame never throws. */
function sanitizeMap(input: unknown): PresenceMap {
  const out: PresenceMap = {};
  if (input === null || typeof input !== 'object') return out;
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    const metas = (value as { metas?: unknown } | null)?.metas;
    if (!Array.isArray(metas)) continue;
    const valid = metas.filter(
      (meta): meta is PresenceMeta =>
        meta !== null && typeof meta === 'object' && typeof (meta as PresenceMeta).phx_ref === 'string',
    );
    if (valid.length > 0) out[key] = { metas: valid };
  }
  return out;
}
