import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '@wedsync/storage-postgres';

/** The notification tables (outbox, attempts, preferences, push subscriptions, trigger cursor). */
export const NOTIFICATION_MIGRATIONS: MigrationSet = {
  namespace: 'notifications',
  dir: fileURLToPath(new URL('../migrations/', import.meta.url)),
};
