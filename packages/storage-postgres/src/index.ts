/**
 * The Storage seam over PostgreSQL and PGlite (DESIGN §1, §5): one set of migrations, one SQL
 * implementation, two connection layers.
 */
export { AUDIT_MIGRATIONS, type AuditQuery, realActor, SqlAuditStore } from './audit/sql-audit-store.ts';
export { createPgliteStorage, createPostgresStorage } from './create-storage.ts';
export { type MigrationSet, runMigrations, STORAGE_MIGRATIONS } from './migrations.ts';
export { createPgSqlClient, type PgSqlClientOptions } from './pg-sql-client.ts';
export { createPgliteSqlClient } from './pglite-sql-client.ts';
export { inSavepoint, jsonParam, type SqlClient, type SqlRow } from './sql-client.ts';
export { createSqlStorage, type SqlStorage, type SqlStorageOptions } from './sql-storage.ts';
export type { WithinCommit, WrittenVersion } from './within-commit.ts';
