/**
 * `@wedsync/client/node`: the parts of the SDK that need Node APIs (node:fs), kept out of the
 * browser entry. Everything else is in `@wedsync/client`.
 */
export { FileQueueStorage } from './outbox/file-queue-storage.ts';
