import { compileSchemas } from '@wedsync/merge';
import { weddingSchemas } from '../collections/wedding-schemas.ts';
import type { CommitTarget } from '../directory/log-source.ts';
import type { IndexableChange } from '../directory/record-index.ts';
import { type SeedBatch, SeedBuilder, SYSTEM_ACTOR } from './seed-builder.ts';
import { seedPeople } from './seed-people.ts';
import { writeSetup } from './seed-setup.ts';
import { writeWeek } from './seed-week.ts';

/** The storage client id of every seed mutation (its mids are 1…n, so a replay is a duplicate). */
export const SEED_CLIENT_ID = 'seed';

function buildSeed(nowMs: number): SeedBuilder {
  const names = new Map(seedPeople.map((person) => [person.userId, person.name]));
  const seed = new SeedBuilder(
    (userId) => names.get(userId) ?? (userId === SYSTEM_ACTOR.userId ? SYSTEM_ACTOR.name : userId),
  );
  writeSetup(seed, nowMs);
  writeWeek(seed, nowMs);
  return seed;
}

/** The seed as ordered commits, relative to `nowMs` (pure; `seedWorld` writes them). */
export function seedBatches(nowMs: number): SeedBatch[] {
  return buildSeed(nowMs).batches;
}

/**
 * The seed as the committed changes a fresh storage would log (seq 1…n): feed them to
 * `WeddingModel.applyChanges` for a seeded Directory without a database (tests, tools).
 */
export function seedChanges(nowMs: number): IndexableChange[] {
  return buildSeed(nowMs).changes;
}

export interface SeedOutcome {
  /** False when the storage already held the seed (nothing written). */
  seeded: boolean;
  /** Mutations written by this call. */
  written: number;
}

/**
 * Writes the seeded world through `storage.commit` (issue 2 item 5, issue 4 item 8). Idempotent:
 * a storage that already holds every seed mutation is left alone, and a seed interrupted half-way
 * is completed (the storage's replay protection keeps each mutation at most once).
 */
export async function seedWorld(storage: CommitTarget, options: { nowMs: number }): Promise<SeedOutcome> {
  const batches = seedBatches(options.nowMs);
  const lastMid = await storage.lastMutationId(SEED_CLIENT_ID);
  const total = batches.reduce((n, batch) => n + batch.mutations.length, 0);
  if (lastMid >= total) return { seeded: false, written: 0 };
  const schemas = compileSchemas(weddingSchemas);
  let written = 0;
  for (const batch of batches) {
    const mutations = batch.mutations.filter((mutation) => mutation.mid > lastMid);
    if (mutations.length === 0) continue;
    const { results } = await storage.commit({
      clientId: SEED_CLIENT_ID,
      actor: batch.actor,
      scope: batch.scope,
      mutations,
      schemas,
      nowMs: batch.atMs,
    });
    const failed = results.find((result) => result.status === 'rejected' || result.status === 'conflict');
    if (failed) throw new Error(`seed mutation ${failed.mid} was not applied: ${JSON.stringify(failed)}`);
    written += mutations.length;
  }
  return { seeded: true, written };
}
