import { CORE_FIELDS, type CoreField } from '../collections/wedding-collections.ts';
import type { Directory } from '../directory/directory.ts';
import type { AppliedChange } from '../directory/record-index.ts';
import type { Audience } from '../rights/audience.ts';
import { bindingsOf, boundFormTopics } from './bound-answers.ts';

/**
 * A record an audience must be sent again, freshly projected, because what it may see of it changed
 * (R14.2 "changing a sharing setting takes effect live"): the app reads the record from storage,
 * projects it with `projectRecord` for `audience`, and pushes it as a snapshot on `topics`, so the
 * supplier's screen loses or gains the field at once. `topics` also name the form topics whose answers
 * to fields bound to those core fields appear or disappear (`hidesBoundAnswer`): a snapshot replaces
 * the channel's records, so the answers go with it.
 */
export interface Reprojection {
  audience: Audience;
  c: string;
  id: string;
  topics: string[];
  /** Core fields that became visible (`gained`) or hidden (`lost`). */
  gained: CoreField[];
  lost: CoreField[];
}

/**
 * The re-projections one applied change calls for (apply it to `directory` first): a sharing setting
 * that changed, or a form whose fields were bound to or unbound from a core field.
 */
export function sharingReprojections(applied: AppliedChange, directory?: Directory): Reprojection[] {
  const { change, before, after } = applied;
  if (change.c === 'forms') return directory ? bindingReprojections(directory, applied) : [];
  if (change.c !== 'sharing') return [];
  const { weddingId, supplierId } = after.fields;
  if (typeof weddingId !== 'string' || typeof supplierId !== 'string') return [];
  const gained: CoreField[] = [];
  const lost: CoreField[] = [];
  for (const field of CORE_FIELDS) {
    // An absent sharing record or value means shared; deleting the record shares everything again.
    const was = before?.fields[field] !== false;
    const now = change.del === true || after.fields[field] !== false;
    if (was && !now) lost.push(field);
    if (!was && now) gained.push(field);
  }
  if (gained.length === 0 && lost.length === 0) return [];
  return [
    {
      audience: { kind: 'team', supplierId },
      c: 'weddings',
      id: weddingId,
      topics: [
        `wedding:${weddingId}`,
        `supplier:${supplierId}`,
        `supplier:${supplierId}:clients`,
        ...(directory ? boundFormTopics(directory, weddingId, supplierId, [...gained, ...lost]) : []),
      ],
      gained,
      lost,
    },
  ];
}

/**
 * A form's bindings changed: for every wedding it is assigned to where a newly bound or unbound core
 * field is not shared with the form's supplier, that team's answers appear or disappear, so its form,
 * forms and wedding channels get fresh snapshots. `lost` names core fields now bound (their answers
 * hidden), `gained` those no longer bound.
 */
function bindingReprojections(directory: Directory, applied: AppliedChange): Reprojection[] {
  const { change, before, after } = applied;
  const supplierId = after.fields.supplierId;
  if (typeof supplierId !== 'string') return [];
  const was = new Map(bindingsOf(before?.fields.fields));
  const now = new Map(change.del ? [] : bindingsOf(after.fields.fields));
  const bound = new Set<CoreField>();
  const unbound = new Set<CoreField>();
  for (const [id, field] of now) if (was.get(id) !== field) bound.add(field);
  for (const [id, field] of was) if (now.get(id) !== field) unbound.add(field);
  if (bound.size === 0 && unbound.size === 0) return [];
  const out: Reprojection[] = [];
  const weddings = new Set(directory.assignmentsOfForm(change.id).map((a) => a.fields.weddingId));
  for (const weddingId of [...weddings].filter((w): w is string => typeof w === 'string').sort()) {
    const unshared = (field: CoreField) => !directory.isShared(weddingId, supplierId, field);
    const lost = [...bound].filter(unshared);
    const gained = [...unbound].filter(unshared);
    if (lost.length === 0 && gained.length === 0) continue;
    out.push({
      audience: { kind: 'team', supplierId },
      c: 'forms',
      id: change.id,
      topics: [`form:${change.id}`, `supplier:${supplierId}:forms`, `supplier:${supplierId}`, `wedding:${weddingId}`],
      gained,
      lost,
    });
  }
  return out;
}
