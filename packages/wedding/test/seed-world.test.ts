import { compileSchemas } from '@wedsync/merge';
import { createPgliteStorage } from '@wedsync/storage-postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  SEED_CLIENT_ID,
  seedBatches,
  seedChanges,
  seedPeople,
  seedPersonByEmail,
  seedWorld,
  WeddingModel,
  weddingSchemas,
} from '../src/index.ts';
import { NOW_MS } from './seeded-model.ts';

type Storage = Awaited<ReturnType<typeof createPgliteStorage>>;

describe('seed world on PGlite storage (issue 2 item 5, issue 4 item 8)', () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await createPgliteStorage();
  }, 120_000);
  afterAll(() => storage?.close());

  test('R2.2 seeding writes every mutation once; a second run writes nothing and changes nothing', async () => {
    const total = seedBatches(NOW_MS).reduce((n, b) => n + b.mutations.length, 0);
    expect(await seedWorld(storage, { nowMs: NOW_MS })).toEqual({ seeded: true, written: total });
    const head = await storage.headSeq();
    expect(head).toBe(total);
    expect(await seedWorld(storage, { nowMs: NOW_MS + 86_400_000 })).toEqual({ seeded: false, written: 0 });
    expect(await storage.headSeq()).toBe(head);
    expect(await storage.lastMutationId(SEED_CLIENT_ID)).toBe(total);
  });

  test('R2.2 the Directory read from storage equals the one built from the seed changes', async () => {
    const fromStorage = new WeddingModel();
    const follower = fromStorage.follow(storage);
    await follower.load();
    await follower.catchUp();
    const fromChanges = new WeddingModel();
    fromChanges.applyChanges(seedChanges(NOW_MS));
    const dump = (model: WeddingModel) =>
      [...model.directory.records.everything()]
        .map((r) => ({
          c: r.c,
          id: r.id,
          scope: r.scope,
          v: r.v,
          fields: r.fields,
          by: r.updatedBy,
          at: r.updatedAtMs,
        }))
        .sort((a, b) => `${a.c}/${a.id}`.localeCompare(`${b.c}/${b.id}`));
    expect(dump(fromStorage)).toEqual(dump(fromChanges));
    expect(dump(fromStorage).length).toBeGreaterThan(100);
    for (const person of seedPeople) {
      expect(fromStorage.topicsForUser(person.userId)).toEqual(fromChanges.topicsForUser(person.userId));
    }
  });

  test('R2.2 an interrupted seed is completed on the next run, each mutation applied once', async () => {
    const partial = await createPgliteStorage();
    try {
      const batches = seedBatches(NOW_MS);
      const schemas = compileSchemas(weddingSchemas);
      for (const batch of batches.slice(0, 40)) {
        await partial.commit({
          clientId: SEED_CLIENT_ID,
          actor: batch.actor,
          scope: batch.scope,
          mutations: batch.mutations,
          schemas,
          nowMs: batch.atMs,
        });
      }
      const outcome = await seedWorld(partial, { nowMs: NOW_MS });
      expect(outcome.written).toBe(batches.length - 40);
      expect(await partial.headSeq()).toBe(batches.length);
    } finally {
      await partial.close();
    }
  }, 120_000);

  test('the seeded people: the required eight plus a partner and a viewer, each with topics for GET /api/me', async () => {
    const emails = seedPeople.map((p) => p.email);
    for (const required of [
      'emma@wedme.example',
      'james@wedme.example',
      'sarah@lenslight.example',
      'bob@lenslight.example',
      'olivia@feast.example',
      'liam@oakwood.example',
      'priya@wedme.example',
      'noah@bloom.example',
    ]) {
      expect(emails).toContain(required);
    }
    expect(seedPersonByEmail(' Sarah@LensLight.example ')).toMatchObject({
      userId: 'u-sarah',
      role: 'owner',
      supplierId: 'lenslight',
    });
    expect(seedPersonByEmail('bob@lenslight.example')?.role).toBe('member');
    const model = new WeddingModel();
    model.applyChanges(seedChanges(NOW_MS));
    for (const person of seedPeople) expect(model.topicsForUser(person.userId).length).toBeGreaterThan(0);
    expect(model.primaryTopicsForUser('u-sarah')).toEqual(['supplier:lenslight']);
    expect(model.primaryTopicsForUser('u-emma')).toEqual(['couple:c-emma-james']);
  });
});
