import type { FieldOp, Mutation, MutationResult } from '@wedsync/protocol';
import { ITEM_FIELDS } from '../fixtures/engine-schema.ts';
import type { Ack } from './delivery-checker.ts';
import { DisconnectedError, delay, type ResumingClient } from './resuming-client.ts';

export interface Writer {
  client: ResumingClient;
  topic: string;
  /** The writer's offline-queue id; its mids are 1, 2, 3, … */
  clientId: string;
}

export interface BurstOptions {
  mutationsPerWriter: number;
  /** Records of the `items` collection the writers share (each writer cycles through all of them). */
  recordIds: readonly string[];
  /** Pause before retrying a mutation the server refused as retryable; default 100 ms. */
  retryDelayMs?: number;
  /** Pause between one writer's mutations, to spread a burst over a fault window; default 0. */
  paceMs?: number;
}

/** Error reply codes after which the same `(clientId, mid)` is sent again, as the SDK outbox does. */
const RETRYABLE = ['STORAGE_UNAVAILABLE', 'SERVER_SHUTTING_DOWN', 'RATE_LIMITED'];

/**
 * Writers sending mutations one at a time (each waits for its ack) over every field kind: lww
 * `title`, text `notes` (inserts), list `tags` (adds) and manual `due` (which may conflict). A
 * mutation whose reply is lost (node killed) or refused as retryable is sent again with the same mid
 * once the client is back, so the server must acknowledge it as applied or duplicate, never twice.
 */
export class WriteBurst {
  readonly acks: Ack[] = [];
  /** `Date.now()` of every ok reply, in order. */
  readonly ackTimesMs: number[] = [];
  /** Every retryable refusal (e.g. STORAGE_UNAVAILABLE) and when it arrived. */
  readonly refusals: { clientId: string; code: string; atMs: number }[] = [];
  /** Results that are neither applied, duplicate nor conflict: a bug in the scenario or the engine. */
  readonly unexpected: string[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly finished = new Set<string>();

  constructor(
    private readonly writers: readonly Writer[],
    private readonly options: BurstOptions,
  ) {}

  /** Acknowledged mutations that name a change of the log (applied, or a duplicate of an applied one). */
  get committed(): number {
    return this.acks.filter(
      ({ result }) => result.status === 'applied' || (result.status === 'duplicate' && result.seq !== undefined),
    ).length;
  }

  /** Runs every writer to the end; resolves when every mutation has been acknowledged. */
  run(): Promise<void> {
    return Promise.all(this.writers.map((writer, index) => this.runWriter(writer, index))).then(() => undefined);
  }

  /** Resolves once `count` mutations have been acknowledged in total. */
  untilAcked(count: number): Promise<void> {
    return this.until(() => this.acks.length >= count);
  }

  /** Resolves once every writer still writing has been refused (retryably) since refusal number `from`. */
  untilEveryWriterRefused(from: number): Promise<void> {
    return this.until(() => {
      const refused = new Set(this.refusals.slice(from).map(({ clientId }) => clientId));
      return this.writers.every((writer) => refused.has(writer.clientId) || this.finished.has(writer.clientId));
    });
  }

  private until(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return;
        this.listeners.delete(check);
        resolve();
      };
      this.listeners.add(check);
    });
  }

  private async runWriter(writer: Writer, index: number): Promise<void> {
    for (let mid = 1; mid <= this.options.mutationsPerWriter; mid++) {
      const mutation = this.mutationFor(writer, index, mid);
      const result = await this.send(writer, mutation);
      this.acks.push({ clientId: writer.clientId, result });
      this.ackTimesMs.push(Date.now());
      if (!['applied', 'duplicate', 'conflict'].includes(result.status)) {
        this.unexpected.push(`${writer.clientId}#${mid}: ${JSON.stringify(result)}`);
      }
      for (const listener of [...this.listeners]) listener();
      if (this.options.paceMs) await delay(this.options.paceMs);
    }
    this.finished.add(writer.clientId);
    for (const listener of [...this.listeners]) listener();
  }

  private async send(writer: Writer, mutation: Mutation): Promise<MutationResult> {
    for (;;) {
      try {
        await writer.client.ready();
        const reply = await writer.client.mutate(writer.topic, writer.clientId, [mutation]);
        if (reply.status === 'ok') {
          const result = reply.response.results[0];
          if (!result) throw new Error(`empty sync_mutate reply for ${writer.clientId}#${mutation.mid}`);
          return result;
        }
        const code = String(reply.response.reason ?? '').split(':')[0] ?? '';
        if (!RETRYABLE.includes(code)) throw new Error(`sync_mutate refused: ${JSON.stringify(reply.response)}`);
        this.refusals.push({ clientId: writer.clientId, code, atMs: Date.now() });
        for (const listener of [...this.listeners]) listener();
        await delay(this.options.retryDelayMs ?? 100);
      } catch (error) {
        if (!(error instanceof DisconnectedError)) throw error;
      }
    }
  }

  private mutationFor(writer: Writer, index: number, mid: number): Mutation {
    const { recordIds } = this.options;
    const id = recordIds[(mid + index) % recordIds.length]!;
    const base = writer.client.observation(writer.topic).record('items', id)?.v ?? 0;
    const tag = `${writer.clientId}-${mid}`;
    const ops: FieldOp[][] = [
      [{ k: 'set', f: ITEM_FIELDS.title, v: tag }],
      [{ k: 'text', f: ITEM_FIELDS.notes, op: [`${tag} `] }],
      [{ k: 'add', f: ITEM_FIELDS.tags, id: tag, v: mid }],
      [{ k: 'set', f: ITEM_FIELDS.due, v: `2030-01-${String((mid % 28) + 1).padStart(2, '0')}` }],
    ];
    return { mid, c: 'items', id, base, ops: ops[mid % ops.length]! };
  }
}
