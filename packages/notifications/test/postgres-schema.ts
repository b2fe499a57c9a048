import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A fresh schema in DATABASE_URL for one test file, dropped by `drop()` (common rules: unique schema per run). */
export async function freshSchema(prefix: string): Promise<{ url: string; schema: string; drop(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required for the PostgreSQL suites');
  const schema = `t_${prefix}_${randomBytes(4).toString('hex')}`;
  return {
    url,
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
