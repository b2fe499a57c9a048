import { randomBytes } from 'node:crypto';
import type { RealtimeServer, RecordSync, Storage } from '@wedsync/server';
import { runMigrations, type SqlClient } from '@wedsync/storage-postgres';
import {
  type AppliedChange,
  DUE_WORK_MIGRATIONS,
  deliverConflictNotices,
  EMAIL_OPEN_PATH,
  emailOpenToken,
  type JourneyMailer,
  JourneyScheduler,
  meetingsWithChangedConflicts,
  RecordingJourneyMailer,
  type RecordWriter,
  type WeddingModel,
} from '@wedsync/wedding';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { registerJourneyRoutes } from './http/journey-routes.ts';

export interface JourneyWiringOptions {
  app: FastifyInstance;
  realtime: RealtimeServer;
  sync: RecordSync;
  /** The app's storage; journeys keep their work table in its database (`sql`). */
  storage: Storage & { sql?: SqlClient };
  model: WeddingModel;
  logger: Logger;
  /** Signs the email-open pixel tokens (the JWT secret); without one, a random per-process key. */
  secret?: string;
  /** Absolute base URL for links in emails (PUBLIC_URL); unset: relative paths. */
  publicUrl?: () => string | undefined;
  /** How journey emails leave; default: recorded in the run log (and logged). */
  mailer?: JourneyMailer;
  /** Scheduler poll interval; default 1 000 ms (changes to runs wake it at once). */
  pollIntervalMs?: number;
  leaseMs?: number;
  retryBaseMs?: number;
  nowMs?: () => number;
}

export interface JourneyService {
  readonly scheduler: JourneyScheduler;
  /** Resolves when every applied change seen so far was handed to the scheduler (tests). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Journeys and the calendar in the app (issue 4 items 6–7, R8, R9): the work table, a scheduler per
 * node (claims make each module run once across nodes), progress committed through record sync, the
 * email-open pixel route, and — for every change this node's Directory applies — calendar conflict
 * warnings to this node's members at once (each node warns its own sockets) and the scheduler's
 * bookkeeping (new/resumed runs, forms completed). Meeting reminders (R9.1) are not here: every node's
 * notifications wiring scans for them (`reminderScanIntervalMs`) and writes each once by its id.
 */
export async function wireJourneys(options: JourneyWiringOptions): Promise<JourneyService> {
  const { model, realtime, sync, storage, logger } = options;
  if (!storage.sql) throw new Error('journeys need the SQL storage (PGlite or PostgreSQL)');
  await runMigrations(storage.sql, [DUE_WORK_MIGRATIONS]);
  const nowMs = options.nowMs ?? Date.now;
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  const writer: RecordWriter = {
    commit: (request) => sync.commit(request),
    getRecord: (c, id) => storage.getRecord(c, id),
  };
  const mailer = options.mailer ?? loggingMailer(logger);
  const onError = (error: unknown, context: string) => logger.error({ err: error }, context);
  const scheduler = new JourneyScheduler({
    sql: storage.sql,
    writer,
    directory: model.directory,
    mailer,
    nodeId: realtime.nodeId,
    nowMs,
    leaseMs: options.leaseMs,
    retryBaseMs: options.retryBaseMs,
    pollIntervalMs: options.pollIntervalMs,
    trackingPixelUrl: (runId, moduleId) =>
      `${options.publicUrl?.() ?? ''}${EMAIL_OPEN_PATH}/${emailOpenToken(secret, runId, moduleId)}.gif`,
    onError,
  });
  registerJourneyRoutes(options.app, { recorder: scheduler, secret });

  let chain: Promise<void> = Promise.resolve();
  const follow = (applied: AppliedChange) => {
    // R9.2: warnings go out as soon as this node knows the change, before any database work.
    const meetings = meetingsWithChangedConflicts(model.directory, applied);
    if (meetings.length > 0) deliverConflictNotices(realtime, model.directory, meetings);
    const wakesScheduler = applied.change.c === 'journey_runs' || applied.change.c === 'form_assignments';
    if (!wakesScheduler) return;
    chain = chain
      .then(async () => {
        await scheduler.noteApplied(applied);
        void scheduler.tick().catch((error) => onError(error, 'journey tick'));
      })
      .catch((error) => onError(error, 'journey bookkeeping'));
  };
  const unsubscribe = model.directory.onApplied(follow);
  await scheduler.enqueueAll();
  scheduler.start();

  return {
    scheduler,
    settled: () => chain,
    async close() {
      unsubscribe();
      await scheduler.stop();
      await chain;
    },
  };
}

/** The default mailer: nothing leaves; the run log shows the email as recorded, and the server log says so. */
function loggingMailer(logger: Logger): JourneyMailer {
  const recording = new RecordingJourneyMailer();
  return {
    async send(email) {
      logger.info(
        { runId: email.runId, moduleId: email.moduleId, to: email.to.map((p) => p.name), subject: email.subject },
        'journey email recorded (no mail sender configured)',
      );
      const result = await recording.send(email);
      recording.sent.length = 0;
      return result;
    },
  };
}
