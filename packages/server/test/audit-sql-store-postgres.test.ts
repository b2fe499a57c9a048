import { randomBytes } from 'node:crypto';
import {
  AUDIT_MIGRATIONS,
  createPgSqlClient,
  createPostgresStorage,
  SqlAuditStore,
  type SqlStorage,
} from '@wedsync/storage-postgres';
import { afterAll, beforeAll } from 'vitest';
import { auditStoreContract } from './audit-sql-store-contract.ts';

// R14.1 the audit store on PostgreSQL. Runs only where DATABASE_URL is set (the runner leaves it out otherwise).
const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error('audit-sql-store-postgres.test.ts needs DATABASE_URL');
const url: string = connectionString;
const schema = `t_audit_${randomBytes(6).toString('hex')}`;

let storage: SqlStorage;
let audit: SqlAuditStore;
beforeAll(async () => {
  storage = await createPostgresStorage({ connectionString: url, schema, migrations: [AUDIT_MIGRATIONS] });
  audit = new SqlAuditStore(storage.sql);
});
afterAll(async () => {
  await storage?.close();
  const sql = await createPgSqlClient({ connectionString: url });
  await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await sql.close();
});

auditStoreContract(() => ({ storage, audit }));
