import pg from 'pg';
import { inSavepoint, type SqlClient, type SqlRow } from './sql-client.ts';

export interface PgSqlClientOptions {
  connectionString: string;
  /** Schema to work in (created if missing); `search_path` of every pooled connection. */
  schema?: string;
  /** Pool size; default 10. */
  poolSize?: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** A `SqlClient` over a `pg` Pool. */
export async function createPgSqlClient(options: PgSqlClientOptions): Promise<SqlClient> {
  const { schema } = options;
  if (schema !== undefined && !IDENTIFIER.test(schema)) {
    throw new Error(`Schema name "${schema}" must be a lower-case SQL identifier (a-z, 0-9, _)`);
  }
  if (schema) {
    const setup = new pg.Client({ connectionString: options.connectionString });
    await setup.connect();
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle connection that dies (server restart) must not crash the process; the next query fails instead.
  pool.on('error', () => {});
  return wrapPool(pool);
}

function wrapQueryable(client: pg.Pool | pg.PoolClient) {
  return {
    async query<Row extends SqlRow = SqlRow>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
      const result = await client.query(text, params as unknown[]);
      return result.rows as Row[];
    },
    async exec(script: string): Promise<void> {
      await client.query(script);
    },
  };
}

function wrapPool(pool: pg.Pool): SqlClient {
  return {
    ...wrapQueryable(pool),
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      const connection = await pool.connect();
      const tx: SqlClient = {
        ...wrapQueryable(connection),
        transaction: (inner) => inSavepoint(tx, inner),
        close: async () => {},
      };
      let broken = false;
      // A checked-out pg client has no pool error listener: without this one, a server that dies
      // mid-transaction (restart, failover) emits an unhandled 'error' and kills the process. The
      // failed query rejects on its own; the connection is discarded on release.
      const onConnectionError = () => {
        broken = true;
      };
      connection.on('error', onConnectionError);
      try {
        await connection.query('BEGIN');
        const result = await fn(tx);
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await connection.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw error;
      } finally {
        connection.off('error', onConnectionError);
        connection.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
