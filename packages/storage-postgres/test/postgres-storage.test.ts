import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPostgresStorage } from '../src/index.ts';
import { runStorageContract } from './storage-contract.ts';

// Runs only where DATABASE_URL is set: the test runner leaves this file out otherwise.
const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error('postgres-storage.test.ts needs DATABASE_URL');

const schema = `t_storage_${randomBytes(6).toString('hex')}`;

async function dropSchema(): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

runStorageContract(
  `PostgreSQL (schema ${schema})`,
  () => createPostgresStorage({ connectionString, schema, poolSize: 12 }),
  async (storage) => {
    await storage.close();
    await dropSchema();
  },
);
