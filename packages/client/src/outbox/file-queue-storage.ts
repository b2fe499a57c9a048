import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type PersistedSyncState,
  parseSyncState,
  type QueueStorage,
  QueueStorageError,
  serializeSyncState,
} from './queue-storage.ts';

let tempCounter = 0;

/**
 * The Node adapter: one JSON file, replaced atomically (written to a temporary file in the same
 * directory, then renamed over the old one), so a crash mid-save leaves the previous document
 * intact. Saves are serialised: the last call's document is the one left on disk.
 */
export class FileQueueStorage implements QueueStorage {
  readonly #path: string;
  #chain: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.#path = path;
  }

  async load(): Promise<PersistedSyncState | null> {
    await this.#chain;
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new QueueStorageError('STORAGE_UNAVAILABLE', `Could not read ${this.#path}: ${String(error)}`, {
        cause: error,
      });
    }
    return parseSyncState(text);
  }

  save(state: PersistedSyncState): Promise<void> {
    const text = serializeSyncState(state);
    return this.#enqueue(async () => {
      const temp = `${this.#path}.${process.pid}.${tempCounter++}.tmp`;
      try {
        await mkdir(dirname(this.#path), { recursive: true });
        await writeFile(temp, text, 'utf8');
        await rename(temp, this.#path);
      } catch (error) {
        await rm(temp, { force: true });
        throw new QueueStorageError('STORAGE_UNAVAILABLE', `Could not save ${this.#path}: ${String(error)}`, {
          cause: error,
        });
      }
    });
  }

  clear(): Promise<void> {
    return this.#enqueue(() => rm(this.#path, { force: true }));
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(task);
    // Later saves run even when this one failed; the caller still sees this one's error.
    this.#chain = run.catch(() => {});
    return run;
  }
}
