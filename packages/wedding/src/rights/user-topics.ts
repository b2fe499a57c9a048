import { buildTopic, type Topic } from '@wedsync/protocol';
import type { Directory } from '../directory/directory.ts';
import { type AppliedChange, applyOpsToFields, type IndexableChange } from '../directory/record-index.ts';
import { type Access, canJoin } from './join-rights.ts';

export interface TopicGrant {
  topic: string;
  access: Access;
}

/** Topics a person lost through a batch of changes; the app closes them at once (`revokeUser`, R2.2). */
export interface TopicLoss {
  userId: string;
  topics: string[];
}

/**
 * Every topic this person may join now, with read or write access (GET /api/me, R1.2, R2.3).
 * Candidates come from the data and each is confirmed by `canJoin`, so the list never disagrees with
 * the join check.
 */
export function topicsForUser(directory: Directory, userId: string): TopicGrant[] {
  const candidates: Topic[] = [];
  for (const supplierId of directory.suppliersOfUser(userId)) {
    for (const kind of [
      'supplier',
      'supplier_team',
      'supplier_clients',
      'supplier_forms',
      'supplier_journeys',
    ] as const) {
      candidates.push({ kind, supplierId });
    }
    const clients: string[] = [];
    for (const weddingId of directory.connectedWeddings(supplierId)) {
      candidates.push({ kind: 'wedding', weddingId });
      const coupleId = directory.coupleOfWedding(weddingId);
      if (coupleId) clients.push(coupleId);
    }
    for (const form of directory.records.where('forms', 'supplierId', supplierId)) {
      candidates.push({ kind: 'form', formId: form.id });
    }
    for (const journey of directory.records.where('journeys', 'supplierId', supplierId)) {
      for (const clientId of clients) candidates.push({ kind: 'journey', journeyId: journey.id, clientId });
    }
  }
  for (const coupleId of directory.couplesOfUser(userId)) {
    for (const kind of ['couple', 'couple_suppliers', 'couple_tasks', 'couple_timeline'] as const) {
      candidates.push({ kind, coupleId });
    }
    const weddingId = directory.weddingOfCouple(coupleId);
    if (!weddingId) continue;
    candidates.push({ kind: 'wedding', weddingId });
    for (const assignment of directory.records.where('form_assignments', 'weddingId', weddingId)) {
      if (typeof assignment.fields.formId === 'string')
        candidates.push({ kind: 'form', formId: assignment.fields.formId });
    }
    for (const run of directory.records.where('journey_runs', 'weddingId', weddingId)) {
      if (typeof run.fields.journeyId === 'string' && run.fields.coupleId === coupleId) {
        candidates.push({ kind: 'journey', journeyId: run.fields.journeyId, clientId: coupleId });
      }
    }
  }
  const grants = new Map<string, TopicGrant>();
  for (const candidate of candidates) {
    let topic: string;
    try {
      topic = buildTopic(candidate);
    } catch {
      continue;
    }
    if (grants.has(topic)) continue;
    const decision = canJoin(directory, userId, candidate);
    if (decision.ok) grants.set(topic, { topic, access: decision.access });
  }
  return [...grants.values()].sort((a, b) => a.topic.localeCompare(b.topic));
}

/** The channels joined at login (R1.2): each team's `supplier:{id}` and the couple's `couple:{id}`. */
export function primaryTopicsForUser(directory: Directory, userId: string): string[] {
  return [
    ...directory.suppliersOfUser(userId).map((supplierId) => `supplier:${supplierId}`),
    ...directory.couplesOfUser(userId).map((coupleId) => `couple:${coupleId}`),
  ];
}

/** Collections whose changes can take a right away. */
const RIGHTS_COLLECTIONS = new Set([
  'team_members',
  'connections',
  'couples',
  'weddings',
  'form_assignments',
  'journey_runs',
  'forms',
  'journeys',
]);

/**
 * Applies committed changes to the Directory and reports who lost which topics (R2.2): a removed team
 * member, every member of a disconnected supplier, a couple whose form or journey went away.
 */
export function applyWithRevocations(
  directory: Directory,
  changes: readonly IndexableChange[],
): { applied: AppliedChange[]; lost: TopicLoss[] } {
  const affected = new Set<string>();
  for (const change of changes) {
    if (!RIGHTS_COLLECTIONS.has(change.c)) continue;
    const before = directory.records.getAny(change.c, change.id);
    const fields = { ...(before?.fields ?? {}) };
    applyOpsToFields(change.c, fields, change.ops);
    for (const state of [before?.fields, fields]) {
      if (state) for (const userId of usersAffected(directory, change.c, change.id, state)) affected.add(userId);
    }
  }
  const beforeTopics = new Map([...affected].map((userId) => [userId, topicsForUser(directory, userId)]));
  const applied = directory.applyAll(changes);
  const lost: TopicLoss[] = [];
  for (const [userId, grants] of beforeTopics) {
    const now = new Set(topicsForUser(directory, userId).map((grant) => grant.topic));
    const gone = grants.map((grant) => grant.topic).filter((topic) => !now.has(topic));
    if (gone.length > 0) lost.push({ userId, topics: gone });
  }
  return { applied, lost: lost.sort((a, b) => a.userId.localeCompare(b.userId)) };
}

function usersAffected(directory: Directory, c: string, id: string, fields: Record<string, unknown>): string[] {
  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const team = (supplierId: string | undefined) =>
    supplierId ? directory.teamOf(supplierId).map((m) => m.userId) : [];
  const partnersOfWedding = (weddingId: string | undefined) => {
    const coupleId = weddingId ? directory.coupleOfWedding(weddingId) : undefined;
    return coupleId ? directory.partnersOf(coupleId) : [];
  };
  switch (c) {
    case 'team_members':
      return [str(fields.userId)].filter((u): u is string => u !== undefined);
    case 'connections':
      return [...team(str(fields.supplierId)), ...partnersOfWedding(str(fields.weddingId))];
    case 'couples':
      return [fields.partnerA, fields.partnerB].filter((u): u is string => typeof u === 'string');
    case 'weddings':
      return str(fields.coupleId) ? directory.partnersOf(fields.coupleId as string) : [];
    case 'form_assignments':
    case 'journey_runs':
      return partnersOfWedding(str(fields.weddingId));
    case 'forms':
      return [
        ...team(str(fields.supplierId)),
        ...directory.assignmentsOfForm(id).flatMap((a) => partnersOfWedding(str(a.fields.weddingId))),
      ];
    case 'journeys':
      return [
        ...team(str(fields.supplierId)),
        ...directory.runsOfJourney(id).flatMap((run) => partnersOfWedding(str(run.fields.weddingId))),
      ];
    default:
      return [];
  }
}
