import type { OutboxCache, PersistedRecord } from '../outbox/queue-storage.ts';
import { recordKey } from './store-types.ts';

/** A record as the server last confirmed it (field id → value). */
export interface ConfirmedRecord {
  topic: string;
  c: string;
  id: string;
  v: number;
  fields: Record<string, unknown>;
  del?: true;
}

/**
 * Server-confirmed state (R11.2): records keyed by collection and id, and per channel the last `seq`
 * applied. Saved with the outbox so a reload resumes from `lastSeq` instead of a full snapshot.
 */
export class ConfirmedRecords {
  readonly #records = new Map<string, ConfirmedRecord>();
  readonly #lastSeq = new Map<string, number>();

  constructor(cache: OutboxCache) {
    for (const record of cache.records) this.#records.set(recordKey(record.c, record.id), { ...record });
    for (const [topic, seq] of Object.entries(cache.lastSeq)) this.#lastSeq.set(topic, seq);
  }

  get(key: string): ConfirmedRecord | undefined {
    return this.#records.get(key);
  }

  set(record: ConfirmedRecord): void {
    this.#records.set(recordKey(record.c, record.id), record);
  }

  delete(key: string): void {
    this.#records.delete(key);
  }

  keysOfTopic(topic: string): string[] {
    const keys: string[] = [];
    for (const [key, record] of this.#records) if (record.topic === topic) keys.push(key);
    return keys;
  }

  keysOfCollection(c: string): string[] {
    const keys: string[] = [];
    for (const [key, record] of this.#records) if (record.c === c) keys.push(key);
    return keys;
  }

  /** The last `seq` applied on a channel; undefined when the channel was never synced here. */
  lastSeq(topic: string): number | undefined {
    return this.#lastSeq.get(topic);
  }

  setLastSeq(topic: string, seq: number): void {
    this.#lastSeq.set(topic, seq);
  }

  toCache(): OutboxCache {
    const records: PersistedRecord[] = [...this.#records.values()];
    return { lastSeq: Object.fromEntries(this.#lastSeq), records };
  }
}
