import type { FormFieldDefinition } from '../collections/form-collections.ts';
import { type CoreField, isCoreField } from '../collections/wedding-collections.ts';
import type { Directory } from '../directory/directory.ts';
import type { ListItem } from '../directory/record-index.ts';
import { type Audience, parseScope, type RecordRef } from '../rights/audience.ts';

/**
 * Form answers bound to a core field (R3.1, R14.2). A form field with `boundTo` shows and edits that
 * wedding core field, so its answer *is* the core field's value: a team the couple did not share the
 * core field with must not get the answer either. The rule follows the form's binding of this moment
 * (like sharing, DESIGN §1): binding a field to an unshared core field hides its answers at once.
 */

/** The core field a form field is bound to, by the form's current definition. */
export function boundCoreField(directory: Directory, formId: string, formFieldId: string): CoreField | undefined {
  const fields = directory.records.getAny('forms', formId)?.fields.fields;
  if (!Array.isArray(fields)) return undefined;
  const item = (fields as ListItem<FormFieldDefinition>[]).find((field) => field?.id === formFieldId);
  const boundTo = item?.v?.boundTo;
  return isCoreField(boundTo) ? boundTo : undefined;
}

/**
 * Whether `record` is an answer to a form field bound to a core field that the couple does not share
 * with the audience's supplier. Only teams are ever refused; the couple sees all its answers.
 */
export function hidesBoundAnswer(directory: Directory, audience: Audience, record: RecordRef): boolean {
  if (audience.kind !== 'team' || record.c !== 'form_answers') return false;
  const { assignmentId, formFieldId } = record.fields;
  if (typeof assignmentId !== 'string' || typeof formFieldId !== 'string') return false;
  const assignment = directory.records.getAny('form_assignments', assignmentId);
  const formId = assignment?.fields.formId;
  if (typeof formId !== 'string') return false;
  const coreField = boundCoreField(directory, formId, formFieldId);
  if (!coreField) return false;
  const weddingId = weddingOf(record) ?? assignment?.fields.weddingId;
  // No wedding to read the sharing of: refuse rather than guess (never reached for a valid answer).
  if (typeof weddingId !== 'string') return true;
  return !directory.isShared(weddingId, audience.supplierId, coreField);
}

/**
 * The form topics of a wedding × supplier pair whose answers a change of the sharing of `coreFields`
 * shows or hides: `form:{F}` for each form of the supplier assigned to the wedding with a field bound
 * to one of them, plus `supplier:{S}:forms` when there is any.
 */
export function boundFormTopics(
  directory: Directory,
  weddingId: string,
  supplierId: string,
  coreFields: readonly CoreField[],
): string[] {
  const forms = new Set<string>();
  for (const assignment of directory.records.where('form_assignments', 'weddingId', weddingId)) {
    const { formId } = assignment.fields;
    if (assignment.fields.supplierId !== supplierId || typeof formId !== 'string' || forms.has(formId)) continue;
    if (bindingsOf(directory.records.getAny('forms', formId)?.fields.fields).some(([, f]) => coreFields.includes(f))) {
      forms.add(formId);
    }
  }
  if (forms.size === 0) return [];
  return [`supplier:${supplierId}:forms`, ...[...forms].sort().map((formId) => `form:${formId}`)];
}

/** `[formFieldId, coreField]` of every bound field in a form's `fields` list value. */
export function bindingsOf(fields: unknown): [string, CoreField][] {
  if (!Array.isArray(fields)) return [];
  const out: [string, CoreField][] = [];
  for (const item of fields as ListItem<FormFieldDefinition>[]) {
    const boundTo = item?.v?.boundTo;
    if (typeof item?.id === 'string' && isCoreField(boundTo)) out.push([item.id, boundTo]);
  }
  return out;
}

function weddingOf(record: RecordRef): string | undefined {
  const scope = parseScope(record.scope);
  return scope?.kind === 'wedding' ? scope.id : undefined;
}
