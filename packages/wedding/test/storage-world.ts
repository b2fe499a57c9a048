import { compileSchemas } from '@wedsync/merge';
import type { FieldOp } from '@wedsync/protocol';
import { createPgliteStorage } from '@wedsync/storage-postgres';
import {
  collectionNamed,
  type DirectoryFollower,
  type FollowResult,
  scopeForNewRecord,
  seedWorld,
  WeddingModel,
  weddingSchemas,
} from '../src/index.ts';
import { NOW_MS } from './seeded-model.ts';

const schemas = compileSchemas(weddingSchemas);

/** The seeded world in a real (in-memory PGlite) storage, with a model following its log. */
export interface StorageWorld {
  storage: Awaited<ReturnType<typeof createPgliteStorage>>;
  model: WeddingModel;
  follower: DirectoryFollower;
  /** Commits one mutation as this user (storage actor `actor` if given) and lets the model catch up. */
  write(
    userId: string,
    c: string,
    id: string,
    fields: Record<string, unknown>,
    options?: { actor?: string; extraOps?: FieldOp[] },
  ): Promise<FollowResult>;
  close(): Promise<void>;
}

export async function openStorageWorld(): Promise<StorageWorld> {
  const storage = await createPgliteStorage();
  await seedWorld(storage, { nowMs: NOW_MS });
  const model = new WeddingModel();
  const follower = model.follow(storage);
  await follower.load();
  await follower.catchUp();
  model.metrics.rebuild();
  const mids = new Map<string, number>();
  let clock = NOW_MS;
  return {
    storage,
    model,
    follower,
    async write(userId, c, id, fields, options = {}) {
      const known = model.directory.records.get(c, id);
      const scope = known?.scope ?? scopeForNewRecord(c, fields, id);
      if (!scope) throw new Error(`no scope for ${c}/${id}`);
      const schema = collectionNamed(c)?.fields as Record<string, { id: number }>;
      const ops: FieldOp[] = Object.entries(fields).map(([name, v]) => ({ k: 'set', f: schema[name]!.id, v }));
      ops.push(...(options.extraOps ?? []));
      const clientId = `test-${userId}`;
      const mid = (mids.get(clientId) ?? 0) + 1;
      mids.set(clientId, mid);
      clock += 1_000;
      const { results } = await storage.commit({
        clientId,
        actor: { userId: options.actor ?? userId, name: userId },
        scope,
        mutations: [{ mid, c, id, base: known?.v ?? 0, ops }],
        schemas,
        nowMs: clock,
      });
      if (results[0]?.status !== 'applied') throw new Error(`write refused: ${JSON.stringify(results[0])}`);
      return follower.catchUp();
    },
    close: () => storage.close(),
  };
}
