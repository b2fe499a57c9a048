import type { NotificationImportance } from '@wedsync/protocol';
import type { Directory } from '../directory/directory.ts';
import type { AppliedChange } from '../directory/record-index.ts';
import {
  backoffDelayMs,
  type DueWork,
  DueWorkStore,
  type WorkClaim,
  type WorkSql,
} from '../journeys/due-work-store.ts';
import type { Audience } from '../rights/audience.ts';
import { audienceSees } from '../rights/visibility.ts';
import { attendeesOf, meetingSlot } from './meeting-conflicts.ts';

/**
 * One meeting reminder for one attendee (R9.1), shaped like the model's notifications
 * (`WeddingNotification` / `NotificationIntent`): the id `meeting_reminder:{meetingId}:{startAtMs}:{userId}`
 * is the same on every node and attempt, so a notification store that dedupes by id delivers it once.
 */
export interface MeetingReminder {
  id: string;
  userId: string;
  trigger: 'meeting_reminder';
  importance: NotificationImportance;
  title: string;
  body: string;
  link: string;
  createdAtMs: number;
  meetingId: string;
  startAtMs: number;
}

export type ReminderSendResult = { ok: true } | { ok: false; error: string; retryable?: boolean };

/** Where reminders go (the app hands them to the notifications pump); the default records them. */
export interface MeetingReminderSender {
  send(reminder: MeetingReminder): Promise<ReminderSendResult>;
}

export class RecordingReminderSender implements MeetingReminderSender {
  readonly sent: MeetingReminder[] = [];
  async send(reminder: MeetingReminder): Promise<ReminderSendResult> {
    this.sent.push(reminder);
    return { ok: true };
  }
}

export interface MeetingRemindersOptions {
  sql: WorkSql;
  directory: Directory;
  sender: MeetingReminderSender;
  nodeId: string;
  nowMs?: () => number;
  /** How long before the start a reminder goes out; default 24 h. */
  leadMs?: number;
  /** Default 60 000. */
  leaseMs?: number;
  /** Default 50. */
  batchSize?: number;
  /** Attempts before a reminder is given up (failed, kept with its error); default 5. */
  maxFailures?: number;
  retryBaseMs?: number;
  /** Default 1 000. */
  pollIntervalMs?: number;
  onError?: (error: unknown, context: string) => void;
}

export interface ReminderTurn {
  key: string;
  outcome: 'sent' | 'skipped' | 'retry' | 'failed' | 'lost_claim';
  reason?: string;
}

/** `meeting_reminder:{meetingId}:{startAtMs}:{userId}` → the work key `{meetingId}:{startAtMs}:{userId}`. */
export function reminderKey(meetingId: string, startAtMs: number, userId: string): string {
  return `${meetingId}:${startAtMs}:${userId}`;
}

/**
 * Meeting reminders sent once per attendee, whichever node (R9.1): every node follows meeting changes
 * and keeps one due row per (meeting, start, attendee) in the shared work table; a reschedule,
 * cancellation or removed attendee cancels the rows that no longer apply; rows are claimed like
 * journey work (SKIP LOCKED + lease), and checked against the current meeting before sending.
 */
export class MeetingReminders {
  readonly store: DueWorkStore;
  private readonly nowMs: () => number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private ticking: Promise<ReminderTurn[]> | undefined;

  constructor(private readonly options: MeetingRemindersOptions) {
    this.store = new DueWorkStore(options.sql);
    this.nowMs = options.nowMs ?? Date.now;
  }

  private get leadMs(): number {
    return this.options.leadMs ?? 86_400_000;
  }

  /** Brings the work rows of one meeting in line with its current state (idempotent, any node). */
  async syncMeeting(meetingId: string): Promise<void> {
    const now = this.nowMs();
    const record = this.options.directory.records.getAny('meetings', meetingId);
    const slot = record && meetingSlot(record);
    const keep: string[] = [];
    if (slot && slot.startAtMs > now) {
      for (const userId of slot.attendees) {
        const key = reminderKey(meetingId, slot.startAtMs, userId);
        keep.push(key);
        await this.store.enqueue('meeting_reminder', key, Math.max(now, slot.startAtMs - this.leadMs), {
          nowMs: now,
        });
      }
    }
    await this.store.cancelPending('meeting_reminder', `${meetingId}:`, keep, { nowMs: now });
  }

  /** Follows one applied change (call on every node for every change). */
  async noteApplied(applied: AppliedChange): Promise<void> {
    if (applied.change.c === 'meetings') await this.syncMeeting(applied.change.id);
  }

  /** At start: rows for every known meeting (recovers changes missed while no node ran). */
  async enqueueAll(): Promise<void> {
    for (const record of this.options.directory.records.all('meetings')) await this.syncMeeting(record.id);
  }

  tick(): Promise<ReminderTurn[]> {
    this.ticking ??= this.tickNow().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((error) => this.onError(error, 'reminder tick'));
    }, this.options.pollIntervalMs ?? 1_000);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking?.catch(() => undefined);
  }

  private async tickNow(): Promise<ReminderTurn[]> {
    const claimed = await this.store.claim('meeting_reminder', {
      nodeId: this.options.nodeId,
      nowMs: this.nowMs(),
      leaseMs: this.options.leaseMs ?? 60_000,
      limit: this.options.batchSize ?? 50,
    });
    const turns: ReminderTurn[] = [];
    for (const work of claimed) {
      try {
        turns.push(await this.remind(work));
      } catch (error) {
        this.onError(error, `reminder ${work.key}`);
        turns.push({ key: work.key, outcome: 'lost_claim', reason: String(error) });
      }
    }
    return turns;
  }

  private async remind(work: DueWork): Promise<ReminderTurn> {
    const claim: WorkClaim = { kind: work.kind, key: work.key, nodeId: this.options.nodeId, claims: work.claims };
    const now = this.nowMs();
    const reminder = this.reminderFor(work.key, now);
    if (typeof reminder === 'string') {
      await this.store.finish(claim, 'cancelled', { nowMs: now, lastError: reminder });
      return { key: work.key, outcome: 'skipped', reason: reminder };
    }
    const result: ReminderSendResult = await this.options.sender.send(reminder).catch((error: unknown) => ({
      ok: false as const,
      error: error instanceof Error ? error.message : String(error),
    }));
    const after = this.nowMs();
    if (result.ok) {
      const done = await this.store.finish(claim, 'done', { nowMs: after, payload: { reminderId: reminder.id } });
      return { key: work.key, outcome: done ? 'sent' : 'lost_claim' };
    }
    const failures = work.failures + 1;
    if (result.retryable === false || failures >= (this.options.maxFailures ?? 5)) {
      await this.store.finish(claim, 'failed', { nowMs: after, lastError: result.error, failures });
      return { key: work.key, outcome: 'failed', reason: result.error };
    }
    const retryAt = after + backoffDelayMs(failures, { baseMs: this.options.retryBaseMs ?? 30_000 });
    await this.store.reschedule(claim, retryAt, { nowMs: after, failures, lastError: result.error });
    return { key: work.key, outcome: 'retry', reason: result.error };
  }

  /** The reminder, or why it no longer applies (meeting cancelled, moved, attendee removed, already started). */
  private reminderFor(key: string, nowMs: number): MeetingReminder | string {
    const { directory } = this.options;
    const match = /^(.*):(\d+):([^:]+)$/.exec(key);
    if (!match) return 'malformed key';
    const [, meetingId = '', start = '', userId = ''] = match;
    const record = directory.records.get('meetings', meetingId);
    const slot = record && meetingSlot(record);
    if (!record || !slot) return 'the meeting was cancelled';
    if (slot.startAtMs !== Number(start)) return 'the meeting was moved';
    if (!attendeesOf(record.fields).includes(userId)) return 'no longer an attendee';
    if (slot.startAtMs <= nowMs) return 'the meeting has started';
    if (!audiencesOf(directory, userId).some((audience) => audienceSees(directory, audience, record))) {
      return 'the attendee may not see the meeting';
    }
    const when = new Date(slot.startAtMs).toISOString();
    const location = typeof record.fields.location === 'string' ? `, ${record.fields.location}` : '';
    return {
      id: `meeting_reminder:${meetingId}:${slot.startAtMs}:${userId}`,
      userId,
      trigger: 'meeting_reminder',
      importance: 'critical',
      title: `Reminder: ${slot.title}`,
      body: `${slot.title} starts ${when.slice(0, 10)} at ${when.slice(11, 16)} UTC${location}`,
      link: `/calendar?meeting=${encodeURIComponent(meetingId)}`,
      createdAtMs: nowMs,
      meetingId,
      startAtMs: slot.startAtMs,
    };
  }

  private onError(error: unknown, context: string): void {
    (this.options.onError ?? ((e, c) => console.error(`[calendar] ${c}:`, e)))(error, context);
  }
}

/** The couples and teams a person belongs to (who they may see a meeting as). */
function audiencesOf(directory: Directory, userId: string): Audience[] {
  const audiences: Audience[] = [];
  for (const coupleId of directory.couplesOfUser(userId)) {
    const weddingId = directory.weddingOfCouple(coupleId);
    if (weddingId) audiences.push({ kind: 'couple', coupleId, weddingId });
  }
  for (const supplierId of directory.suppliersOfUser(userId)) audiences.push({ kind: 'team', supplierId });
  return audiences;
}
