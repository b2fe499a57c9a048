import { isCoreField } from '../collections/wedding-collections.ts';
import type { Directory } from '../directory/directory.ts';
import { type Audience, parseScope, type RecordRef } from './audience.ts';

/** Wedding-scope collections that belong to one couple × supplier pair (named by `supplierId`). */
const PAIR_COLLECTIONS = new Set([
  'connections',
  'sharing',
  'form_assignments',
  'journey_runs',
  'tasks',
  'meetings',
  'notes',
  'messages',
  'payments',
]);

/**
 * Whether an audience may see a record at all (R14.2: suppliers never see other suppliers' data).
 * Field-level hiding (unshared core fields) is the projection's job; this decides the whole record.
 * Decided with the rights of this moment (DESIGN §1): a revoked connection also hides the past.
 */
export function audienceSees(directory: Directory, audience: Audience, record: RecordRef): boolean {
  const scope = parseScope(record.scope);
  if (!scope || scope.kind === 'directory' || scope.kind === 'user') return false;
  if (scope.kind === 'supplier') return supplierRecordVisible(directory, audience, scope.id, record);
  const weddingId = scope.id;
  if (audience.kind === 'couple') return audience.weddingId === weddingId;
  const supplierId = audience.supplierId;
  if (record.c === 'connections' && record.fields.supplierId === supplierId) return true;
  if (!directory.isConnected(weddingId, supplierId)) return false;
  if (record.c === 'weddings') return true;
  if (PAIR_COLLECTIONS.has(record.c)) return record.fields.supplierId === supplierId;
  if (record.c === 'form_answers') return assignmentSupplier(directory, record) === supplierId;
  if (record.c === 'activity') {
    const owner = record.fields.supplierId;
    if (typeof owner === 'string') return owner === supplierId;
    const coreField = record.fields.coreField;
    return isCoreField(coreField) && directory.isShared(weddingId, supplierId, coreField);
  }
  return false;
}

/** Supplier-scope records: the team sees all; a couple sees a form or journey it was given. */
function supplierRecordVisible(
  directory: Directory,
  audience: Audience,
  supplierId: string,
  record: RecordRef,
): boolean {
  if (audience.kind === 'team') return audience.supplierId === supplierId;
  if (!directory.isConnected(audience.weddingId, supplierId)) return false;
  if (record.c === 'forms') {
    return directory.assignmentsOfForm(record.id).some((a) => a.fields.weddingId === audience.weddingId);
  }
  if (record.c === 'journeys') {
    return directory.runsOfJourney(record.id).some((run) => run.fields.coupleId === audience.coupleId);
  }
  return false;
}

/** The supplier owning the assignment an answer (or note) belongs to. */
export function assignmentSupplier(directory: Directory, record: RecordRef): string | undefined {
  const assignmentId = record.fields.assignmentId;
  if (typeof assignmentId !== 'string') return undefined;
  const owner = directory.records.getAny('form_assignments', assignmentId)?.fields.supplierId;
  return typeof owner === 'string' ? owner : undefined;
}

/** The form an answer (or form note) belongs to. */
export function assignmentForm(directory: Directory, record: RecordRef): string | undefined {
  const assignmentId = record.fields.assignmentId;
  if (typeof assignmentId !== 'string') return undefined;
  const formId = directory.records.getAny('form_assignments', assignmentId)?.fields.formId;
  return typeof formId === 'string' ? formId : undefined;
}
