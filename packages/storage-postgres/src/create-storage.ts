import type { MigrationSet } from './migrations.ts';
import { createPgSqlClient } from './pg-sql-client.ts';
import { createPgliteSqlClient } from './pglite-sql-client.ts';
import { createSqlStorage, type SqlStorage } from './sql-storage.ts';

interface CommonOptions {
  /** Further migration sets (the app's own tables), applied after the storage ones. */
  migrations?: readonly MigrationSet[];
  /** Apply the migrations before returning; default true. */
  migrate?: boolean;
}

/**
 * The embedded default (DESIGN §5): PGlite keeping its files in `dataDir` (created if missing),
 * or in memory when no `dataDir` is given. One process may open a `dataDir` at a time.
 */
export async function createPgliteStorage(options: CommonOptions & { dataDir?: string } = {}): Promise<SqlStorage> {
  const sql = await createPgliteSqlClient(options.dataDir ? { dataDir: options.dataDir } : {});
  return ready(createSqlStorage(sql, options), options);
}

/**
 * PostgreSQL (`DATABASE_URL`), optionally in its own schema (created if missing). Pool size default
 * 10; group commit with 2 transactions in flight by default (`commitConcurrency`, see `SqlStorageOptions`).
 */
export async function createPostgresStorage(
  options: CommonOptions & {
    connectionString: string;
    schema?: string;
    poolSize?: number;
    commitConcurrency?: number;
  },
): Promise<SqlStorage> {
  const sql = await createPgSqlClient(options);
  return ready(createSqlStorage(sql, { ...options, commitConcurrency: options.commitConcurrency ?? 2 }), options);
}

async function ready(storage: SqlStorage, options: CommonOptions): Promise<SqlStorage> {
  if (options.migrate === false) return storage;
  try {
    await storage.migrate();
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}
