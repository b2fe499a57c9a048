import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { SqlClient } from './sql-client.ts';

/** A directory of `NNN_name.sql` files applied in file-name order, recorded under `namespace`. */
export interface MigrationSet {
  namespace: string;
  dir: string;
}

/** This package's migrations (the sync tables). */
export const STORAGE_MIGRATIONS: MigrationSet = {
  namespace: 'storage',
  dir: fileURLToPath(new URL('../migrations/', import.meta.url)),
};

/** Advisory lock key serialising migration runs of several nodes. */
const MIGRATION_LOCK_KEY = 0x5753_4d49_47; // "WSMIG"

const MIGRATION_FILE = /^\d{3,}_[\w-]+\.sql$/;

/**
 * Applies every migration not yet recorded in `sync_migrations`, in order (sets in the order given,
 * files by name), each in its own transaction with its record, under an advisory lock so nodes
 * starting together apply each file once. Files must match `NNN_name.sql`. Returns the applied ids.
 */
export async function runMigrations(sql: SqlClient, sets: readonly MigrationSet[]): Promise<string[]> {
  await sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS sync_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
  });
  const applied: string[] = [];
  for (const set of sets) {
    const files = (await readdir(set.dir)).filter((name) => MIGRATION_FILE.test(name)).sort();
    for (const file of files) {
      const id = `${set.namespace}/${file}`;
      const script = await readFile(`${set.dir.replace(/\/$/, '')}/${file}`, 'utf8');
      const ran = await sql.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
        const done = await tx.query('SELECT 1 FROM sync_migrations WHERE id = $1', [id]);
        if (done.length > 0) return false;
        await tx.exec(script);
        await tx.query('INSERT INTO sync_migrations (id) VALUES ($1)', [id]);
        return true;
      });
      if (ran) applied.push(id);
    }
  }
  return applied;
}
