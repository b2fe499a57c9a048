import { buildTopic, type Topic } from '@wedsync/protocol';
import type { Directory } from '../directory/directory.ts';
import type { AppliedChange } from '../directory/record-index.ts';
import { parseScope, type RecordRef, supplierScope, weddingScope } from './audience.ts';
import { assignmentForm } from './visibility.ts';

/**
 * What each R2.1 topic carries, as (scopes, filter). A record is delivered on a topic when the topic
 * includes it AND the subscriber's audience may see it (`audienceSees`), then projected.
 *
 * | topic | records |
 * |---|---|
 * | supplier:{S} | everything team S may see (its scope and its connected weddings) |
 * | supplier:{S}:team | team_members, team_chat and team-only tasks/meetings/notes/activity |
 * | supplier:{S}:clients | weddings, connections, sharing, messages, form_assignments, payments, activity of its weddings |
 * | supplier:{S}:forms | forms; form_assignments and form_answers in its weddings |
 * | supplier:{S}:journeys | journeys; journey_runs in its weddings |
 * | couple:{C} | everything in the couple's wedding |
 * | couple:{C}:suppliers | connections, sharing |
 * | couple:{C}:tasks | tasks |
 * | couple:{C}:timeline | weddings (core fields incl. timeline), meetings |
 * | wedding:{W} | everything in the wedding |
 * | form:{F} | the form, its assignments, their answers and notes |
 * | journey:{J}:{C} | the journey and its run for client C |
 */
const TEAM_COLLECTIONS = new Set(['team_members', 'team_chat', 'tasks', 'meetings', 'notes', 'activity']);
const CLIENT_COLLECTIONS = new Set([
  'weddings',
  'connections',
  'sharing',
  'messages',
  'form_assignments',
  'payments',
  'activity',
]);

export function topicIncludes(directory: Directory, topic: Topic, record: RecordRef): boolean {
  const scope = parseScope(record.scope);
  if (!scope || scope.kind === 'directory' || scope.kind === 'user') return false;
  const inSupplier = (supplierId: string) => scope.kind === 'supplier' && scope.id === supplierId;
  const inWedding = scope.kind === 'wedding';
  switch (topic.kind) {
    case 'supplier':
      return inSupplier(topic.supplierId) || inWedding;
    case 'supplier_team':
      return inSupplier(topic.supplierId) && TEAM_COLLECTIONS.has(record.c);
    case 'supplier_clients':
      return inWedding && CLIENT_COLLECTIONS.has(record.c);
    case 'supplier_forms':
      return (
        (inSupplier(topic.supplierId) && record.c === 'forms') ||
        (inWedding && (record.c === 'form_assignments' || record.c === 'form_answers'))
      );
    case 'supplier_journeys':
      return (inSupplier(topic.supplierId) && record.c === 'journeys') || (inWedding && record.c === 'journey_runs');
    case 'couple':
    case 'couple_suppliers':
    case 'couple_tasks':
    case 'couple_timeline': {
      if (!inWedding || directory.coupleOfWedding(scope.id) !== topic.coupleId) return false;
      if (topic.kind === 'couple') return true;
      if (topic.kind === 'couple_suppliers') return record.c === 'connections' || record.c === 'sharing';
      if (topic.kind === 'couple_tasks') return record.c === 'tasks';
      return record.c === 'weddings' || record.c === 'meetings';
    }
    case 'wedding':
      return inWedding && scope.id === topic.weddingId;
    case 'form':
      if (record.c === 'forms') return record.id === topic.formId;
      if (record.c === 'form_assignments') return record.fields.formId === topic.formId;
      if (record.c === 'form_answers' || record.c === 'notes') {
        return inWedding && assignmentForm(directory, record) === topic.formId;
      }
      return false;
    case 'journey':
      if (record.c === 'journeys') return record.id === topic.journeyId;
      return (
        record.c === 'journey_runs' &&
        record.fields.journeyId === topic.journeyId &&
        record.fields.coupleId === topic.clientId
      );
  }
}

/** The log partitions a topic reads from (for replay and snapshots), with the rights of this moment. */
export function scopesForTopic(directory: Directory, topic: Topic): string[] {
  const weddingsOf = (supplierId: string) => directory.connectedWeddings(supplierId).map(weddingScope);
  switch (topic.kind) {
    case 'supplier':
    case 'supplier_forms':
    case 'supplier_journeys':
      return [supplierScope(topic.supplierId), ...weddingsOf(topic.supplierId)];
    case 'supplier_team':
      return [supplierScope(topic.supplierId)];
    case 'supplier_clients':
      return weddingsOf(topic.supplierId);
    case 'couple':
    case 'couple_suppliers':
    case 'couple_tasks':
    case 'couple_timeline': {
      const weddingId = directory.weddingOfCouple(topic.coupleId);
      return weddingId ? [weddingScope(weddingId)] : [];
    }
    case 'wedding':
      return [weddingScope(topic.weddingId)];
    case 'form': {
      const owner = directory.formOwner(topic.formId);
      if (!owner) return [];
      const weddings = directory
        .assignmentsOfForm(topic.formId)
        .map((a) => a.fields.weddingId)
        .filter((w): w is string => typeof w === 'string');
      return [supplierScope(owner), ...[...new Set(weddings)].sort().map(weddingScope)];
    }
    case 'journey': {
      const owner = directory.journeyOwner(topic.journeyId);
      const weddingId = directory.weddingOfCouple(topic.clientId);
      return [...(owner ? [supplierScope(owner)] : []), ...(weddingId ? [weddingScope(weddingId)] : [])];
    }
  }
}

/**
 * Every topic that carries this record (fan-out of one committed change). The caller still asks
 * `audienceSees` per subscriber audience; a topic here may have no subscriber.
 */
export function topicsForRecord(directory: Directory, record: RecordRef): string[] {
  const scope = parseScope(record.scope);
  if (!scope || scope.kind === 'directory' || scope.kind === 'user') return [];
  const candidates: Topic[] = [];
  if (scope.kind === 'supplier') {
    const supplierId = scope.id;
    candidates.push(
      { kind: 'supplier', supplierId },
      { kind: 'supplier_team', supplierId },
      { kind: 'supplier_forms', supplierId },
      { kind: 'supplier_journeys', supplierId },
    );
    if (record.c === 'forms') candidates.push({ kind: 'form', formId: record.id });
    if (record.c === 'journeys') {
      for (const weddingId of directory.connectedWeddings(supplierId)) {
        const clientId = directory.coupleOfWedding(weddingId);
        if (clientId) candidates.push({ kind: 'journey', journeyId: record.id, clientId });
      }
    }
  } else {
    const weddingId = scope.id;
    candidates.push({ kind: 'wedding', weddingId });
    const coupleId = directory.coupleOfWedding(weddingId);
    if (coupleId) {
      for (const kind of ['couple', 'couple_suppliers', 'couple_tasks', 'couple_timeline'] as const) {
        candidates.push({ kind, coupleId });
      }
    }
    const suppliers = new Set(directory.connectedSuppliers(weddingId));
    if (record.c === 'connections' && typeof record.fields.supplierId === 'string')
      suppliers.add(record.fields.supplierId);
    for (const supplierId of [...suppliers].sort()) {
      for (const kind of ['supplier', 'supplier_clients', 'supplier_forms', 'supplier_journeys'] as const) {
        candidates.push({ kind, supplierId });
      }
    }
    const formId = record.c === 'form_assignments' ? record.fields.formId : assignmentForm(directory, record);
    if (typeof formId === 'string') candidates.push({ kind: 'form', formId });
    const { journeyId, coupleId: clientId } = record.fields;
    if (record.c === 'journey_runs' && typeof journeyId === 'string' && typeof clientId === 'string') {
      candidates.push({ kind: 'journey', journeyId, clientId });
    }
  }
  return candidates
    .filter((topic) => topicIncludes(directory, topic, record))
    .map(safeBuild)
    .filter(isString);
}

function safeBuild(topic: Topic): string | undefined {
  try {
    return buildTopic(topic);
  } catch {
    return undefined;
  }
}

function isString(value: string | undefined): value is string {
  return value !== undefined;
}

/**
 * Topics whose `scopesForTopic` answer these applied changes may have changed (a new or ended
 * connection widens or narrows a supplier's topics; a new assignment adds a wedding to a form's
 * topic). An engine that caches scopes per channel must re-read them for these topics, or new
 * records of a newly connected wedding never reach `supplier:{S}:clients`.
 */
export function topicsWithChangedScopes(applied: readonly AppliedChange[]): string[] {
  const topics = new Set<string>();
  for (const { change, before, after } of applied) {
    const fields = { ...(before?.fields ?? {}), ...after.fields };
    if (change.c === 'connections' && typeof fields.supplierId === 'string') {
      const s = fields.supplierId;
      for (const topic of [`supplier:${s}`, `supplier:${s}:clients`, `supplier:${s}:forms`, `supplier:${s}:journeys`]) {
        topics.add(topic);
      }
    }
    if (change.c === 'form_assignments' && (before === undefined || change.del) && typeof fields.formId === 'string') {
      topics.add(`form:${fields.formId}`);
    }
    if (change.c === 'couples' && before?.fields.weddingId !== after.fields.weddingId) {
      for (const suffix of ['', ':suppliers', ':tasks', ':timeline']) topics.add(`couple:${change.id}${suffix}`);
    }
  }
  return [...topics].sort();
}
