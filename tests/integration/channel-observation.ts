import { applyOps, type SchemaIndex } from '@wedsync/merge';
import type { ChangesPayload, PresenceDiff, PresenceMap, RecordSnapshot, ResyncPayload } from '@wedsync/protocol';

/**
 * What one test client saw on one channel, across every connection it used (issue 6 checker input):
 * every `seq` in arrival order (replays included, duplicates kept so the checker can count them),
 * the records rebuilt from those changes, the presence view and the broadcasts.
 */
export class ChannelObservation {
  /** Every received change's `seq`, in arrival order. */
  readonly seqs: number[] = [];
  /** The `seq` of every `sync_resync` snapshot received. */
  readonly resyncs: number[] = [];
  readonly broadcasts: { event: string; payload: unknown }[] = [];
  /** Changes that arrived in `replay: true` frames (a resume after a rejoin). */
  replayed = 0;
  /** Records by `c/id`, rebuilt by applying each change once in arrival order. */
  private readonly records = new Map<string, RecordSnapshot>();
  private readonly presence = new Map<string, Set<string>>();
  private highestSeq = 0;

  constructor(
    readonly topic: string,
    private readonly schemas: SchemaIndex,
  ) {}

  /** The highest `seq` received: the client resumes after it. */
  get lastSeq(): number {
    return this.highestSeq;
  }

  /** The record as this client sees it (undefined if it never heard of it). */
  record(c: string, id: string): RecordSnapshot | undefined {
    return this.records.get(`${c}/${id}`);
  }

  allRecords(): RecordSnapshot[] {
    return [...this.records.values()];
  }

  /** Presence keys currently visible, sorted. */
  presenceKeys(): string[] {
    return [...this.presence.keys()].sort();
  }

  applyChanges(payload: ChangesPayload): void {
    if (payload.replay) this.replayed += payload.changes.length;
    for (const change of payload.changes) {
      this.seqs.push(change.seq);
      // A change at or below the highest seq is a duplicate or out of order: counted, never re-applied.
      if (change.seq <= this.highestSeq) continue;
      this.highestSeq = change.seq;
      const key = `${change.c}/${change.id}`;
      const collection = this.schemas.collection(change.c);
      if (!collection) throw new Error(`change for unknown collection ${change.c}`);
      const before = this.records.get(key);
      const fields = applyOps(collection, before?.fields ?? {}, change.ops);
      const next: RecordSnapshot = { c: change.c, id: change.id, v: change.v, fields };
      if (change.del || before?.del) next.del = true;
      this.records.set(key, next);
    }
  }

  applyResync(payload: ResyncPayload): void {
    this.resyncs.push(payload.seq);
    this.records.clear();
    for (const record of payload.records) this.records.set(`${record.c}/${record.id}`, record);
    if (payload.seq > this.highestSeq) this.highestSeq = payload.seq;
  }

  applyPresenceState(state: PresenceMap): void {
    this.presence.clear();
    this.addPresence(state);
  }

  applyPresenceDiff(diff: PresenceDiff): void {
    this.addPresence(diff.joins);
    for (const [key, { metas }] of Object.entries(diff.leaves)) {
      const refs = this.presence.get(key);
      for (const meta of metas) refs?.delete(meta.phx_ref);
      if (refs?.size === 0) this.presence.delete(key);
    }
  }

  private addPresence(map: PresenceMap): void {
    for (const [key, { metas }] of Object.entries(map)) {
      const refs = this.presence.get(key) ?? new Set<string>();
      for (const meta of metas) refs.add(meta.phx_ref);
      this.presence.set(key, refs);
    }
  }
}
