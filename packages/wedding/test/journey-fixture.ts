import { compileSchemas } from '@wedsync/merge';
import type { FieldOp } from '@wedsync/protocol';
import { runMigrations, type SqlStorage } from '@wedsync/storage-postgres';
import {
  collectionNamed,
  type DirectoryFollower,
  DUE_WORK_MIGRATIONS,
  type FollowResult,
  fieldIdOf,
  type JourneyEmail,
  type JourneyMailer,
  type JourneySendResult,
  type RecordWriter,
  scopeForNewRecord,
  seedWorld,
  WeddingModel,
  weddingSchemas,
} from '../src/index.ts';
import { NOW_MS } from './seeded-model.ts';

const schemas = compileSchemas(weddingSchemas);

/** A test clock in epoch ms, moved by hand (no sleeps). */
export class TestClock {
  constructor(public ms: number = NOW_MS) {}
  readonly now = () => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/**
 * A server-side writer over one storage, as RecordSync.commit does it: the storage client id is
 * `{userId}:{clientId}` and the clock is the test's.
 */
export function storageWriter(storage: SqlStorage, clock: TestClock): RecordWriter {
  return {
    commit: (request) =>
      storage.commit({
        ...request,
        clientId: `${request.actor.userId}:${request.clientId}`,
        schemas,
        nowMs: request.nowMs ?? clock.now(),
      }),
    getRecord: (c, id) => storage.getRecord(c, id),
  };
}

/** The seeded world on a storage, the due-work tables migrated, and a model following the log. */
export interface JourneyWorld {
  storage: SqlStorage;
  model: WeddingModel;
  follower: DirectoryFollower;
  clock: TestClock;
  /** Commits a write as a user (like a client mutation) and lets the model catch up. */
  write(userId: string, c: string, id: string, fields: Record<string, unknown>, extraOps?: FieldOp[]): Promise<void>;
  /** Lets the model catch up and hands every applied change to `onApplied`. */
  settle(): Promise<FollowResult>;
  onApplied: Array<(result: FollowResult) => Promise<void>>;
}

export async function openJourneyWorld(storage: SqlStorage, clock = new TestClock()): Promise<JourneyWorld> {
  await seedWorld(storage, { nowMs: NOW_MS });
  await runMigrations(storage.sql, [DUE_WORK_MIGRATIONS]);
  const model = new WeddingModel();
  const follower = model.follow(storage);
  await follower.load();
  await follower.catchUp();
  let mid = 0;
  const world: JourneyWorld = {
    storage,
    model,
    follower,
    clock,
    onApplied: [],
    async settle() {
      const result = await follower.catchUp();
      for (const listener of world.onApplied) await listener(result);
      return result;
    },
    async write(userId, c, id, fields, extraOps = []) {
      const known = model.directory.records.get(c, id);
      const scope = known?.scope ?? scopeForNewRecord(c, fields, id);
      if (!scope) throw new Error(`no scope for ${c}/${id}`);
      const schema = collectionNamed(c)?.fields as Record<string, { id: number }>;
      const ops: FieldOp[] = Object.entries(fields).map(([name, v]) => ({ k: 'set', f: schema[name]!.id, v }));
      ops.push(...extraOps);
      const { results } = await storage.commit({
        clientId: `${userId}:test-${process.pid}`,
        actor: { userId, name: userId },
        scope,
        mutations: [{ mid: ++mid, c, id, base: known?.v ?? 0, ops }],
        schemas,
        nowMs: clock.now(),
      });
      if (results[0]?.status !== 'applied') throw new Error(`write refused: ${JSON.stringify(results[0])}`);
      await world.settle();
    },
  };
  return world;
}

/** A mailer that records every email and can be told to fail or hang. */
export class ScriptedMailer implements JourneyMailer {
  readonly sent: JourneyEmail[] = [];
  /** Results to return, in order, before answering ok. */
  readonly script: JourneySendResult[] = [];
  /** When set, the next send waits for this promise (a node stuck or dying mid-send). */
  hold: Promise<void> | undefined;
  /** Called when a send begins. */
  onSend: (() => void) | undefined;

  async send(email: JourneyEmail): Promise<JourneySendResult> {
    this.onSend?.();
    const hold = this.hold;
    this.hold = undefined;
    if (hold) await hold;
    this.sent.push(email);
    return this.script.shift() ?? { ok: true, recorded: true };
  }
}

export type StageSpec = [name: string, modules: Record<string, unknown>[]];

/** Sarah creates a LensLight journey with these stages. */
export async function createJourney(world: JourneyWorld, journeyId: string, stages: StageSpec[]): Promise<void> {
  const field = fieldIdOf('journeys', 'stages');
  const ops: FieldOp[] = stages.map(([name, modules], i) => ({
    k: 'add',
    f: field,
    id: `s${i + 1}`,
    v: { name, modules },
  }));
  await world.write('u-sarah', 'journeys', journeyId, { supplierId: 'lenslight', name: journeyId, active: true }, ops);
}

/** Sarah starts a run of a LensLight journey for a couple of a connected wedding. */
export async function startRun(
  world: JourneyWorld,
  runId: string,
  journeyId: string,
  couple: { coupleId: string; weddingId: string },
): Promise<void> {
  await world.write('u-sarah', 'journey_runs', runId, {
    journeyId,
    supplierId: 'lenslight',
    weddingId: couple.weddingId,
    coupleId: couple.coupleId,
    status: 'running',
    stageIndex: 0,
    startedAtMs: world.clock.now(),
    nextActionAtMs: null,
  });
}

/** Events of a run's log as `moduleId:event` strings, in order. */
export function logLines(model: WeddingModel, runId: string): string[] {
  const log = model.directory.records.get('journey_runs', runId)?.fields.log as
    | { v: { moduleId: string; event: string } }[]
    | undefined;
  return (log ?? []).map((item) => `${item.v.moduleId}:${item.v.event}`);
}
