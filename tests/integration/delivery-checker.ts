import { isDeepStrictEqual } from 'node:util';
import type { MutationResult, RecordSnapshot } from '@wedsync/protocol';
import type { Storage, StoredChange } from '@wedsync/server';
import type { ChannelObservation } from './channel-observation.ts';

/** One client's view of one channel, as the checker needs it. */
export interface ObservedChannel {
  client: string;
  observation: ChannelObservation;
  /** The log scope the channel carries; default its topic (the engine's default `scopesForTopic`). */
  scope?: string;
}

/** An acknowledged mutation: `applied` / `duplicate` results must name a change of the log. */
export interface Ack {
  clientId: string;
  result: MutationResult;
}

export interface DeliveryReport {
  /** Changes in each scope's log. */
  logChanges: number;
  /** Changes delivered in total (every client, every channel). */
  deliveries: number;
  lost: string[];
  duplicated: string[];
  outOfOrder: string[];
  /** Seqs a client received that the log does not hold for its scope. */
  unknown: string[];
  stateMismatches: string[];
  /** Acks whose seq is not in the log, or whose log entry belongs to another mutation. */
  ackMismatches: string[];
}

const READ_CHUNK = 1_000;

/** The whole log of one scope, in `seq` order, read the way the engine reads it. */
export async function readScopeLog(storage: Storage, scope: string): Promise<StoredChange[]> {
  const rows: StoredChange[] = [];
  for (;;) {
    const chunk = await storage.changesSince([scope], rows.at(-1)?.seq ?? 0, READ_CHUNK);
    rows.push(...chunk);
    if (chunk.length < READ_CHUNK) return rows;
  }
}

/**
 * The issue 6 checker: compares every client's received `seq`s and final state per channel with the
 * log (`storage.changesSince`) and the server snapshot (`storage.snapshot`):
 * - 0 lost: every change of the channel's scope after the client's last resync snapshot arrived;
 * - 0 duplicated: no `seq` arrived twice; 0 out of order: no new `seq` arrived after a higher one
 *   (so arrival order is strictly increasing when both are 0);
 * - no `seq` the log does not hold; every acknowledged mutation is in the log exactly where its ack says;
 * - the records rebuilt from the received changes equal the snapshot.
 */
export async function checkDelivery(
  storage: Storage,
  channels: ObservedChannel[],
  acks: Ack[] = [],
): Promise<DeliveryReport> {
  const report: DeliveryReport = {
    logChanges: 0,
    deliveries: 0,
    lost: [],
    duplicated: [],
    outOfOrder: [],
    unknown: [],
    stateMismatches: [],
    ackMismatches: [],
  };
  const logs = new Map<string, StoredChange[]>();
  const snapshots = new Map<string, RecordSnapshot[]>();
  for (const scope of new Set(channels.map((channel) => channel.scope ?? channel.observation.topic))) {
    const log = await readScopeLog(storage, scope);
    logs.set(scope, log);
    report.logChanges += log.length;
    const snapshot = await storage.snapshot([scope]);
    snapshots.set(
      scope,
      snapshot.records.map((record) => ({
        c: record.c,
        id: record.id,
        v: record.v,
        fields: record.fields,
        ...(record.del ? { del: true as const } : {}),
      })),
    );
  }
  for (const { client, observation, scope = observation.topic } of channels) {
    const label = `${client}@${observation.topic}`;
    const log = logs.get(scope) ?? [];
    const logSeqs = new Set(log.map((change) => change.seq));
    const { seqs } = observation;
    report.deliveries += seqs.length;
    const seen = new Set<number>();
    const duplicates: number[] = [];
    const backwards: string[] = [];
    let highest = 0;
    for (const seq of seqs) {
      if (seen.has(seq)) duplicates.push(seq);
      else if (seq < highest) backwards.push(`${highest}→${seq}`);
      seen.add(seq);
      highest = Math.max(highest, seq);
    }
    if (duplicates.length > 0) report.duplicated.push(`${label}: ${summarise(duplicates)}`);
    if (backwards.length > 0) report.outOfOrder.push(`${label}: ${backwards.slice(0, 10).join(', ')}`);
    const coveredUpTo = Math.max(0, ...observation.resyncs);
    const missing = [...logSeqs].filter((seq) => seq > coveredUpTo && !seen.has(seq));
    if (missing.length > 0) report.lost.push(`${label}: ${summarise(missing)}`);
    const strangers = [...seen].filter((seq) => !logSeqs.has(seq));
    if (strangers.length > 0) report.unknown.push(`${label}: ${summarise(strangers)}`);
    const expected = sortRecords(snapshots.get(scope) ?? []);
    const actual = sortRecords(observation.allRecords());
    if (!isDeepStrictEqual(actual, expected))
      report.stateMismatches.push(`${label}: ${firstDifference(actual, expected)}`);
  }
  const bySeq = new Map<number, StoredChange>();
  for (const log of logs.values()) for (const change of log) bySeq.set(change.seq, change);
  for (const { clientId, result } of acks) {
    if (result.status !== 'applied' && result.status !== 'duplicate') continue;
    if (result.seq === undefined) continue;
    const change = bySeq.get(result.seq);
    if (!change || change.mid !== result.mid || !change.cid?.endsWith(`:${clientId}`)) {
      report.ackMismatches.push(
        `${clientId}#${result.mid} acked at seq ${result.seq}, log has ${JSON.stringify(change && { cid: change.cid, mid: change.mid })}`,
      );
    }
  }
  return report;
}

/** Throws with every problem listed unless the report is clean. */
export function assertDelivered(report: DeliveryReport): void {
  const problems = (
    ['lost', 'duplicated', 'outOfOrder', 'unknown', 'stateMismatches', 'ackMismatches'] as const
  ).flatMap((kind) => report[kind].map((line) => `${kind} ${line}`));
  if (problems.length > 0) throw new Error(`delivery check failed:\n${problems.join('\n')}`);
  if (report.logChanges === 0) throw new Error('delivery check ran on an empty log: the scenario wrote nothing');
}

function sortRecords(records: RecordSnapshot[]): RecordSnapshot[] {
  return [...records].sort((a, b) => (`${a.c}/${a.id}` < `${b.c}/${b.id}` ? -1 : 1));
}

function firstDifference(actual: RecordSnapshot[], expected: RecordSnapshot[]): string {
  if (actual.length !== expected.length) return `${actual.length} records, snapshot has ${expected.length}`;
  const index = actual.findIndex((record, i) => !isDeepStrictEqual(record, expected[i]));
  return `client ${JSON.stringify(actual[index])} vs snapshot ${JSON.stringify(expected[index])}`;
}

function summarise(seqs: number[]): string {
  const shown = seqs.slice(0, 20).join(', ');
  return seqs.length > 20 ? `${seqs.length} seqs: ${shown}, …` : shown;
}
