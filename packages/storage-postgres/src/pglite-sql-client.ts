import { PGlite, type Transaction } from '@electric-sql/pglite';
import { inSavepoint, type SqlClient, type SqlRow } from './sql-client.ts';

/**
 * A `SqlClient` over PGlite (PostgreSQL in WASM, one connection). `dataDir` keeps the database in
 * files there; without it the database lives in memory. PGlite runs one query at a time and
 * queues transactions, so concurrent callers are serialised.
 */
export async function createPgliteSqlClient(options: { dataDir?: string } = {}): Promise<SqlClient> {
  const db = options.dataDir ? await PGlite.create(options.dataDir) : await PGlite.create();
  return {
    ...wrap(db),
    transaction: <T>(fn: (tx: SqlClient) => Promise<T>) =>
      db.transaction(async (transaction) => {
        const tx: SqlClient = {
          ...wrap(transaction),
          transaction: (inner) => inSavepoint(tx, inner),
          close: async () => {},
        };
        return fn(tx);
      }),
    close: () => db.close(),
  };
}

function wrap(target: PGlite | Transaction) {
  return {
    async query<Row extends SqlRow = SqlRow>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
      const result = await target.query<Row>(text, params as unknown[]);
      return result.rows;
    },
    async exec(script: string): Promise<void> {
      await target.exec(script);
    },
  };
}
