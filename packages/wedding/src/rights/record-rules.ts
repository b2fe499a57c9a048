import type { ErrorCode } from '@wedsync/protocol';
import type { Directory } from '../directory/directory.ts';
import { type Audience, parseScope, type RecordRef } from './audience.ts';

export type RuleDecision = { ok: true } | { ok: false; code: ErrorCode; message: string };

/** Wedding-scope collections that name the supplier of a couple × supplier pair. */
const PAIR_COLLECTIONS = new Set([
  'form_assignments',
  'journey_runs',
  'tasks',
  'meetings',
  'notes',
  'messages',
  'payments',
]);

/**
 * Consistency rules a written record must keep so rights stay decidable from the data (R2.2):
 * - only a couple connects a supplier (a team cannot attach itself to a wedding), and a sharing
 *   record names its own wedding;
 * - a pair record names a supplier connected to its wedding;
 * - an assignment or run is created by the team that owns the form or journey, for that wedding;
 * - an answer belongs to an existing assignment of the same wedding.
 */
export function checkRecordRules(
  directory: Directory,
  audience: Audience,
  record: RecordRef,
  isNew: boolean,
): RuleDecision {
  const fields = record.fields;
  const scope = parseScope(record.scope);
  const weddingId = scope?.kind === 'wedding' ? scope.id : undefined;
  const refuse = (message: string, code: ErrorCode = 'FORBIDDEN'): RuleDecision => ({ ok: false, code, message });
  if (weddingId !== undefined && fields.weddingId !== undefined && fields.weddingId !== weddingId) {
    return refuse(`${record.c} ${record.id} must name wedding ${weddingId}`, 'VALIDATION_FAILED');
  }
  switch (record.c) {
    case 'weddings':
      if (weddingId !== record.id) return refuse(`wedding ${record.id} belongs in its own scope`, 'VALIDATION_FAILED');
      if (audience.kind === 'couple' && fields.coupleId !== audience.coupleId)
        return refuse('A wedding names its own couple');
      return { ok: true };
    case 'connections':
      if (isNew && audience.kind !== 'couple') return refuse('Only the couple can connect a supplier');
      if (typeof fields.supplierId !== 'string' || weddingId === undefined) {
        return refuse('A connection needs weddingId and supplierId', 'VALIDATION_FAILED');
      }
      return { ok: true };
    case 'sharing':
      if (weddingId === undefined || typeof fields.supplierId !== 'string') {
        return refuse('A sharing record needs weddingId and supplierId', 'VALIDATION_FAILED');
      }
      return { ok: true };
    case 'form_answers': {
      const assignmentId = fields.assignmentId;
      const assignment =
        typeof assignmentId === 'string' ? directory.records.get('form_assignments', assignmentId) : undefined;
      if (!assignment || assignment.fields.weddingId !== weddingId) {
        return refuse('An answer needs an assignment of its wedding', 'VALIDATION_FAILED');
      }
      return { ok: true };
    }
  }
  if (weddingId !== undefined && PAIR_COLLECTIONS.has(record.c)) {
    const supplierId = fields.supplierId;
    const needsSupplier = record.c !== 'tasks';
    if (typeof supplierId !== 'string') {
      return needsSupplier ? refuse(`${record.c} needs a supplierId`, 'VALIDATION_FAILED') : { ok: true };
    }
    if (!directory.isConnected(weddingId, supplierId))
      return refuse(`Supplier ${supplierId} is not connected to ${weddingId}`);
  }
  if (isNew && record.c === 'form_assignments') {
    if (audience.kind !== 'team' || directory.formOwner(String(fields.formId)) !== audience.supplierId) {
      return refuse("Only the form's team can assign it");
    }
  }
  if (isNew && record.c === 'journey_runs') {
    const ownTeam =
      audience.kind === 'team' && directory.journeyOwner(String(fields.journeyId)) === audience.supplierId;
    if (!ownTeam || weddingId === undefined || directory.coupleOfWedding(weddingId) !== fields.coupleId) {
      return refuse("Only the journey's team can start it, for the wedding's couple");
    }
  }
  return { ok: true };
}
