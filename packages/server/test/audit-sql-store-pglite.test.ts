import { AUDIT_MIGRATIONS, createPgliteStorage, SqlAuditStore, type SqlStorage } from '@wedsync/storage-postgres';
import { afterAll, beforeAll } from 'vitest';
import { auditStoreContract } from './audit-sql-store-contract.ts';

// R14.1 the audit store on the embedded default (PGlite in memory).
let storage: SqlStorage;
let audit: SqlAuditStore;
beforeAll(async () => {
  storage = await createPgliteStorage({ migrations: [AUDIT_MIGRATIONS] });
  audit = new SqlAuditStore(storage.sql);
});
afterAll(() => storage?.close());

auditStoreContract(() => ({ storage, audit }));
