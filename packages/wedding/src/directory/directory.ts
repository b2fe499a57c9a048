import { decodeActor } from '../actors/actor-label.ts';
import { TEAM_ROLES, type TeamRole } from '../collections/people-collections.ts';
import { CORE_FIELDS, type CoreField, sharingId } from '../collections/wedding-collections.ts';
import { type AppliedChange, type IndexableChange, type IndexedRecord, RecordIndex } from './record-index.ts';

export type AppliedListener = (applied: AppliedChange) => void;

/**
 * The in-memory read model of who is who (R2.2): teams and roles, couples, connections, sharing,
 * form and journey ownership. Built from a storage snapshot, then kept current by `apply` with every
 * committed change in `seq` order; each node feeds it the change log it receives, so rights checks
 * never wait on the database and every node decides the same from the same log.
 */
export class Directory {
  readonly records = new RecordIndex();
  private readonly lastActive = new Map<string, number>();
  private readonly listeners = new Set<AppliedListener>();

  /** Applies one committed change; returns what it did, or undefined if already known. */
  apply(change: IndexableChange): AppliedChange | undefined {
    const applied = this.records.apply(change);
    if (!applied) return undefined;
    this.noteActive(decodeActor(change.by).userId, applied.after.updatedAtMs);
    for (const listener of this.listeners) listener(applied);
    return applied;
  }

  applyAll(changes: readonly IndexableChange[]): AppliedChange[] {
    const out: AppliedChange[] = [];
    for (const change of changes) {
      const applied = this.apply(change);
      if (applied) out.push(applied);
    }
    return out;
  }

  load(records: Parameters<RecordIndex['load']>[0][]): void {
    for (const record of records) {
      this.records.load(record);
      this.noteActive(decodeActor(record.updatedBy).userId, record.updatedAtMs);
    }
  }

  /** Called after every applied change (metrics, client status). Returns the unsubscribe function. */
  onApplied(listener: AppliedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // People

  user(userId: string): IndexedRecord | undefined {
    return this.records.get('users', userId);
  }

  displayName(userId: string): string {
    const name = this.user(userId)?.fields.name;
    return typeof name === 'string' && name.length > 0 ? name : userId;
  }

  /** R14.2: a person may switch presence off; default on. */
  presenceVisible(userId: string): boolean {
    return this.user(userId)?.fields.presenceVisible !== false;
  }

  /** R14.2: whether this person's edits are committed anonymously (see `actorLabel`). */
  anonymousEdits(userId: string): boolean {
    return this.user(userId)?.fields.anonymousEdits === true;
  }

  /** Last time (epoch ms) a change by this person was committed, or undefined. */
  lastActiveMs(userId: string): number | undefined {
    return this.lastActive.get(userId);
  }

  // Teams

  roleIn(userId: string, supplierId: string): TeamRole | undefined {
    for (const member of this.records.where('team_members', 'userId', userId)) {
      const role = member.fields.role;
      if (member.fields.supplierId === supplierId && (TEAM_ROLES as readonly unknown[]).includes(role)) {
        return role as TeamRole;
      }
    }
    return undefined;
  }

  teamOf(supplierId: string): { userId: string; role: TeamRole }[] {
    return this.records
      .where('team_members', 'supplierId', supplierId)
      .filter((m) => typeof m.fields.userId === 'string' && (TEAM_ROLES as readonly unknown[]).includes(m.fields.role))
      .map((m) => ({ userId: m.fields.userId as string, role: m.fields.role as TeamRole }));
  }

  suppliersOfUser(userId: string): string[] {
    return this.records
      .where('team_members', 'userId', userId)
      .filter(
        (m) => typeof m.fields.supplierId === 'string' && (TEAM_ROLES as readonly unknown[]).includes(m.fields.role),
      )
      .map((m) => m.fields.supplierId as string)
      .sort();
  }

  supplierType(supplierId: string): string | undefined {
    const type = this.records.get('suppliers', supplierId)?.fields.type;
    return typeof type === 'string' ? type : undefined;
  }

  // Couples and weddings

  couplesOfUser(userId: string): string[] {
    const ids = new Set<string>();
    for (const couple of this.records.where('couples', 'partnerA', userId)) ids.add(couple.id);
    for (const couple of this.records.where('couples', 'partnerB', userId)) ids.add(couple.id);
    return [...ids].sort();
  }

  partnersOf(coupleId: string): string[] {
    const couple = this.records.get('couples', coupleId);
    if (!couple) return [];
    return [couple.fields.partnerA, couple.fields.partnerB].filter((id): id is string => typeof id === 'string');
  }

  weddingOfCouple(coupleId: string): string | undefined {
    const weddingId = this.records.get('couples', coupleId)?.fields.weddingId;
    if (typeof weddingId === 'string') return weddingId;
    return this.records.where('weddings', 'coupleId', coupleId)[0]?.id;
  }

  coupleOfWedding(weddingId: string): string | undefined {
    const coupleId = this.records.get('weddings', weddingId)?.fields.coupleId;
    if (typeof coupleId === 'string') return coupleId;
    return this.records.where('couples', 'weddingId', weddingId)[0]?.id;
  }

  isPartnerInWedding(userId: string, weddingId: string): boolean {
    const coupleId = this.coupleOfWedding(weddingId);
    return coupleId !== undefined && this.partnersOf(coupleId).includes(userId);
  }

  // Connections and sharing

  connectedSuppliers(weddingId: string): string[] {
    return this.records
      .where('connections', 'weddingId', weddingId)
      .filter((c) => c.fields.status !== 'ended' && typeof c.fields.supplierId === 'string')
      .map((c) => c.fields.supplierId as string)
      .sort();
  }

  connectedWeddings(supplierId: string): string[] {
    return this.records
      .where('connections', 'supplierId', supplierId)
      .filter((c) => c.fields.status !== 'ended' && typeof c.fields.weddingId === 'string')
      .map((c) => c.fields.weddingId as string)
      .sort();
  }

  isConnected(weddingId: string, supplierId: string): boolean {
    return this.connectedSuppliers(weddingId).includes(supplierId);
  }

  /** R14.2: default shared; only an explicit `false` in the sharing record hides the field. */
  isShared(weddingId: string, supplierId: string, field: CoreField): boolean {
    return this.records.get('sharing', sharingId(weddingId, supplierId))?.fields[field] !== false;
  }

  sharedCoreFields(weddingId: string, supplierId: string): CoreField[] {
    return CORE_FIELDS.filter((field) => this.isShared(weddingId, supplierId, field));
  }

  // Forms and journeys

  formOwner(formId: string): string | undefined {
    const owner = this.records.get('forms', formId)?.fields.supplierId;
    return typeof owner === 'string' ? owner : undefined;
  }

  assignmentsOfForm(formId: string): IndexedRecord[] {
    return this.records.where('form_assignments', 'formId', formId);
  }

  journeyOwner(journeyId: string): string | undefined {
    const owner = this.records.get('journeys', journeyId)?.fields.supplierId;
    return typeof owner === 'string' ? owner : undefined;
  }

  runsOfJourney(journeyId: string): IndexedRecord[] {
    return this.records.where('journey_runs', 'journeyId', journeyId);
  }

  private noteActive(userId: string, atMs: number): void {
    if (!Number.isFinite(atMs)) return;
    if ((this.lastActive.get(userId) ?? Number.NEGATIVE_INFINITY) < atMs) this.lastActive.set(userId, atMs);
  }
}
