import { decodeActor } from '../actors/actor-label.ts';
import type { Directory } from '../directory/directory.ts';
import type { AppliedChange, IndexedRecord } from '../directory/record-index.ts';

/** Live dashboard figures of one supplier (R6.2). "Today" is the UTC calendar day of `nowMs`. */
export interface SupplierMetricsSnapshot {
  supplierId: string;
  /** Weddings actively connected to the supplier. */
  activeClients: number;
  /** Form assignments of the supplier submitted today. */
  formsCompletedToday: number;
  /** Sum of `paid` payments, per ISO currency, in cents (currencies summing to 0 are left out). */
  revenueCents: Record<string, number>;
  /**
   * Changes committed today by members of the team. Counted per change as they arrive; after a
   * `rebuild` (startup) each record's last change counts once, as the older changes are not re-read.
   */
  teamActivityToday: number;
  /** Mean time from a couple's first unanswered message to the team's reply; null before any reply. */
  averageResponseTimeMs: number | null;
}

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => Math.floor(ms / DAY_MS);

interface SupplierState {
  activeWeddings: Set<string>;
  formsCompletedByDay: Map<number, number>;
  teamChangesByDay: Map<number, number>;
  revenueCents: Map<string, number>;
  responseTotalMs: number;
  responseCount: number;
}

/**
 * Per-supplier metrics kept incrementally from committed changes (R6.2), never recomputed per
 * request: each applied change adjusts a few counters. `rebuild` computes them once from the
 * Directory's state (at startup, after loading a snapshot); from then on they follow `onApplied`.
 */
export class SupplierMetrics {
  private readonly state = new Map<string, SupplierState>();
  /** Per payment: what it contributes to revenue now, so an update replaces rather than adds. */
  private readonly paymentContribution = new Map<string, { supplierId: string; currency: string; cents: number }>();
  /** Per submitted assignment: the day it counts on. */
  private readonly submittedDay = new Map<string, { supplierId: string; day: number }>();
  /** Per couple × supplier thread: the time of the couple's first unanswered message. */
  private readonly pendingSinceMs = new Map<string, number>();
  private readonly listeners = new Set<(supplierId: string) => void>();
  private readonly stop: () => void;

  constructor(private readonly directory: Directory) {
    this.stop = directory.onApplied((applied) => this.apply(applied));
  }

  /** Recomputes every figure from the Directory's current records. */
  rebuild(): void {
    this.state.clear();
    this.paymentContribution.clear();
    this.submittedDay.clear();
    this.pendingSinceMs.clear();
    for (const connection of this.directory.records.all('connections')) this.onConnection(connection);
    for (const payment of this.directory.records.all('payments')) this.onPayment(payment);
    for (const assignment of this.directory.records.all('form_assignments')) this.onAssignment(assignment);
    const messages = this.directory.records.all('messages');
    messages.sort((a, b) => Number(a.fields.sentAtMs ?? a.updatedAtMs) - Number(b.fields.sentAtMs ?? b.updatedAtMs));
    for (const message of messages) this.onMessage(message);
    for (const record of this.directory.records.everything())
      this.countTeamChange(record.updatedBy, record.updatedAtMs);
  }

  /** Called with each supplier whose figures changed (to push them on `supplier:{id}`). Returns the unsubscribe. */
  onChange(listener: (supplierId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(supplierId: string, nowMs: number): SupplierMetricsSnapshot {
    const state = this.state.get(supplierId);
    const today = dayOf(nowMs);
    return {
      supplierId,
      activeClients: state?.activeWeddings.size ?? 0,
      formsCompletedToday: state?.formsCompletedByDay.get(today) ?? 0,
      revenueCents: Object.fromEntries([...(state?.revenueCents ?? [])].filter(([, cents]) => cents !== 0)),
      teamActivityToday: state?.teamChangesByDay.get(today) ?? 0,
      averageResponseTimeMs:
        state && state.responseCount > 0 ? Math.round(state.responseTotalMs / state.responseCount) : null,
    };
  }

  close(): void {
    this.stop();
    this.listeners.clear();
  }

  private apply({ change, before, after }: AppliedChange): void {
    const touched = new Set<string>();
    for (const supplierId of this.countTeamChange(change.by, after.updatedAtMs)) touched.add(supplierId);
    const supplierId = typeof after.fields.supplierId === 'string' ? after.fields.supplierId : undefined;
    if (supplierId) {
      if (change.c === 'connections') this.onConnection(after);
      else if (change.c === 'payments') this.onPayment(after);
      else if (change.c === 'form_assignments') this.onAssignment(after);
      else if (change.c === 'messages' && before === undefined) this.onMessage(after);
      touched.add(supplierId);
    }
    for (const id of touched) for (const listener of this.listeners) listener(id);
  }

  /** Counts one change by `by` for each team the person is on; returns those teams. */
  private countTeamChange(by: string, atMs: number): string[] {
    const suppliers = this.directory.suppliersOfUser(decodeActor(by).userId);
    for (const supplierId of suppliers) {
      const days = this.of(supplierId).teamChangesByDay;
      const day = dayOf(atMs);
      days.set(day, (days.get(day) ?? 0) + 1);
      pruneDays(days, day);
    }
    return suppliers;
  }

  private onConnection(connection: IndexedRecord): void {
    const { supplierId, weddingId, status } = connection.fields;
    if (typeof supplierId !== 'string' || typeof weddingId !== 'string') return;
    const active = this.of(supplierId).activeWeddings;
    if (connection.deleted || status === 'ended') active.delete(weddingId);
    else active.add(weddingId);
  }

  private onPayment(payment: IndexedRecord): void {
    const previous = this.paymentContribution.get(payment.id);
    if (previous) this.addRevenue(previous.supplierId, previous.currency, -previous.cents);
    this.paymentContribution.delete(payment.id);
    const { supplierId, status, amountCents, currency } = payment.fields;
    if (payment.deleted || status !== 'paid' || typeof supplierId !== 'string' || typeof amountCents !== 'number')
      return;
    const code = typeof currency === 'string' ? currency : 'GBP';
    this.paymentContribution.set(payment.id, { supplierId, currency: code, cents: amountCents });
    this.addRevenue(supplierId, code, amountCents);
  }

  private addRevenue(supplierId: string, currency: string, cents: number): void {
    const revenue = this.of(supplierId).revenueCents;
    revenue.set(currency, (revenue.get(currency) ?? 0) + cents);
  }

  /** An assignment counts once, on the day of its `submittedAtMs`, while it is submitted. */
  private onAssignment(assignment: IndexedRecord): void {
    const previous = this.submittedDay.get(assignment.id);
    if (previous) this.addSubmitted(previous.supplierId, previous.day, -1);
    this.submittedDay.delete(assignment.id);
    const { supplierId, status, submittedAtMs } = assignment.fields;
    if (assignment.deleted || status !== 'submitted' || typeof supplierId !== 'string') return;
    const day = dayOf(typeof submittedAtMs === 'number' ? submittedAtMs : assignment.updatedAtMs);
    this.submittedDay.set(assignment.id, { supplierId, day });
    this.addSubmitted(supplierId, day, 1);
  }

  private addSubmitted(supplierId: string, day: number, delta: number): void {
    const days = this.of(supplierId).formsCompletedByDay;
    const count = (days.get(day) ?? 0) + delta;
    if (count === 0) days.delete(day);
    else days.set(day, count);
  }

  private onMessage(message: IndexedRecord): void {
    const { supplierId, weddingId, fromCouple, sentAtMs } = message.fields;
    if (typeof supplierId !== 'string' || typeof weddingId !== 'string') return;
    const at = typeof sentAtMs === 'number' ? sentAtMs : message.updatedAtMs;
    const thread = `${weddingId}\u0000${supplierId}`;
    const pending = this.pendingSinceMs.get(thread);
    if (fromCouple === true) {
      if (pending === undefined) this.pendingSinceMs.set(thread, at);
    } else if (pending !== undefined) {
      const state = this.of(supplierId);
      state.responseTotalMs += Math.max(0, at - pending);
      state.responseCount += 1;
      this.pendingSinceMs.delete(thread);
    }
  }

  private of(supplierId: string): SupplierState {
    let state = this.state.get(supplierId);
    if (!state) {
      state = {
        activeWeddings: new Set(),
        formsCompletedByDay: new Map(),
        teamChangesByDay: new Map(),
        revenueCents: new Map(),
        responseTotalMs: 0,
        responseCount: 0,
      };
      this.state.set(supplierId, state);
    }
    return state;
  }
}

/** Keeps a week of day buckets so the maps stay small. */
function pruneDays(days: Map<number, number>, today: number): void {
  for (const day of days.keys()) if (day < today - 7) days.delete(day);
}
