/**
 * Microbenchmark (issue 9, DESIGN §7): storage commits per second with and without group commit, the
 * storage alone (no sockets). W writers each commit batches of B mutations to their own records,
 * closed loop (one commit in flight per writer, like the client outbox). Variants, alternated round by
 * round so both see the same machine load:
 *   - alone: every `commit` is its own transaction (group commit off: unlimited slots; PostgreSQL is
 *     then bounded by its pool of 10 connections, PGlite by its single connection);
 *   - grouped: the adapter's default (`CommitQueue`: PostgreSQL 2 transactions in flight, PGlite 1).
 * Prints mutations/s, transactions/s, mutations per transaction and commit latency p50/p99 (medians
 * over the rounds), and the load average.
 * Run: `[DATABASE_URL=…] node --import tsx bench/micro/group-commit.ts [--writers 50] [--batch 1]
 *   [--seconds 3] [--rounds 3] [--storages pglite,postgres] [--concurrency 1,2,4]` (`--concurrency`:
 *   grouped variants with these many transactions in flight instead of the default).
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { compileSchemas } from '@wedsync/merge';
import type { Mutation } from '@wedsync/protocol';
import {
  createPgliteSqlClient,
  createPgSqlClient,
  createSqlStorage,
  type SqlClient,
  type SqlStorage,
} from '@wedsync/storage-postgres';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const writers = Number(option('writers', '50'));
const batch = Number(option('batch', '1'));
const seconds = Number(option('seconds', '3'));
const rounds = Number(option('rounds', '3'));
const storages = option('storages', process.env.DATABASE_URL ? 'pglite,postgres' : 'pglite').split(',');
const concurrencies = option('concurrency', '')
  .split(',')
  .filter((value) => value !== '')
  .map(Number);
const RECORDS_PER_WRITER = 10;
const schemas = compileSchemas([{ name: 'items', fields: { title: { id: 1, kind: 'lww' } } }]);

/** Counts transactions of a SqlClient. */
function counting(inner: SqlClient): { sql: SqlClient; transactions: () => number } {
  let transactions = 0;
  return {
    sql: {
      query: (text, params) => inner.query(text, params),
      exec: (script) => inner.exec(script),
      transaction: (fn) => {
        transactions++;
        return inner.transaction(fn);
      },
      close: () => inner.close(),
    },
    transactions: () => transactions,
  };
}

interface RoundResult {
  mutationsPerSecond: number;
  transactionsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function round(storage: SqlStorage, transactions: () => number, tag: string): Promise<RoundResult> {
  const versions = new Map<string, number>();
  const latenciesMs: number[] = [];
  let mutations = 0;
  const endAt = performance.now() + seconds * 1000;
  const startTransactions = transactions();
  const startedMs = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      let mid = 0;
      while (performance.now() < endAt) {
        const batchMutations: Mutation[] = Array.from({ length: batch }, () => {
          const id = `${tag}-w${writer}-r${mid % RECORDS_PER_WRITER}`;
          return { mid: ++mid, c: 'items', id, base: versions.get(id) ?? 0, ops: [{ k: 'set', f: 1, v: mid }] };
        });
        const before = performance.now();
        const { results } = await storage.commit({
          clientId: `${tag}-w${writer}`,
          actor: { userId: `u${writer}`, name: `U${writer}` },
          scope: `scope-${writer % 5}`,
          mutations: batchMutations,
          schemas,
          nowMs: Date.now(),
        });
        latenciesMs.push(performance.now() - before);
        results.forEach((result, index) => {
          if (result.status === 'applied') {
            mutations++;
            versions.set(batchMutations[index]!.id, result.v);
          }
        });
      }
    }),
  );
  const elapsedS = (performance.now() - startedMs) / 1000;
  latenciesMs.sort((a, b) => a - b);
  return {
    mutationsPerSecond: Math.round(mutations / elapsedS),
    transactionsPerSecond: Math.round((transactions() - startTransactions) / elapsedS),
    p50Ms: Math.round(percentile(latenciesMs, 0.5) * 10) / 10,
    p99Ms: Math.round(percentile(latenciesMs, 0.99) * 10) / 10,
  };
}

async function open(kind: string): Promise<{ inner: SqlClient; dispose: () => Promise<void> }> {
  if (kind === 'pglite') {
    const inner = await createPgliteSqlClient();
    return { inner, dispose: () => inner.close() };
  }
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error('postgres needs DATABASE_URL');
  const schema = `bench_group_${randomBytes(4).toString('hex')}`;
  const inner = await createPgSqlClient({ connectionString, schema, poolSize: 10 });
  return {
    inner,
    async dispose() {
      await inner.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await inner.close();
    },
  };
}

console.log(
  `group-commit: ${writers} writers × batches of ${batch}, ${seconds} s per round, ${rounds} rounds per variant (load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ')})`,
);
console.log('storage   variant    mutations/s  transactions/s  mutations/tx  commit p50 ms  p99 ms');
for (const kind of storages) {
  const { inner, dispose } = await open(kind);
  const { sql, transactions } = counting(inner);
  const grouped = concurrencies.length > 0 ? concurrencies : [kind === 'pglite' ? 1 : 2];
  const variants: Record<string, SqlStorage> = {
    alone: createSqlStorage(sql, { commitConcurrency: Number.MAX_SAFE_INTEGER }),
    ...Object.fromEntries(
      grouped.map((concurrency) => [
        `grouped×${concurrency}`,
        createSqlStorage(sql, { commitConcurrency: concurrency }),
      ]),
    ),
  };
  try {
    await variants.alone!.migrate();
    const results: Record<string, RoundResult[]> = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
    // Warm-up (JIT, PGlite start-up, caches), not reported.
    await round(variants[`grouped×${grouped[0]}`]!, transactions, 'warm');
    for (let index = 0; index < rounds; index++) {
      for (const [name, storage] of Object.entries(variants)) {
        results[name]!.push(await round(storage, transactions, `${name}${index}`));
      }
    }
    for (const [name, list] of Object.entries(results)) {
      const mps = median(list.map((item) => item.mutationsPerSecond));
      const tps = median(list.map((item) => item.transactionsPerSecond));
      console.log(
        [
          kind.padEnd(9),
          name.padEnd(10),
          String(mps).padStart(11),
          String(tps).padStart(15),
          (mps / Math.max(1, tps)).toFixed(1).padStart(13),
          String(median(list.map((item) => item.p50Ms))).padStart(14),
          String(median(list.map((item) => item.p99Ms))).padStart(7),
        ].join(' '),
      );
    }
  } finally {
    await dispose();
  }
}
console.log(
  `load average at end ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ')}`,
);
