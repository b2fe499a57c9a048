import { applyOps, type Fields, isMergeError, type SchemaIndex } from '@wedsync/merge';
import type { DeriveRecords } from '@wedsync/server';
import type { WorkingRecords } from './record-versions.ts';
import type { StagedVersion } from './version-writer.ts';

/** A version decided in this transaction, with the fields its record had before it (undefined: a create). */
export interface Cause {
  version: StagedVersion;
  before: Fields | undefined;
  derive: DeriveRecords;
  schemas: SchemaIndex;
}

/**
 * Stages the records each cause implies (`DeriveRecords`) as new versions of the same transaction,
 * in cause order, and returns, for each, the index of its cause in `causes`. A derived record that
 * exists already (stored or staged) is skipped, as is one of an unknown collection or with ops its
 * collection refuses. One read for all the derived records not read yet.
 */
export async function stageDerived(
  records: WorkingRecords,
  causes: readonly Cause[],
): Promise<{ version: StagedVersion; cause: number }[]> {
  const wanted = causes.map((cause) => {
    const { version, before } = cause;
    return cause.derive({
      scope: version.scope,
      c: version.c,
      id: version.id,
      v: version.v,
      ops: version.ops,
      del: version.del,
      before,
      after: version.del ? (before ?? version.fields) : version.fields,
      by: version.by,
      atMs: version.atMs,
    });
  });
  await records.load(wanted.flat());
  const staged: { version: StagedVersion; cause: number }[] = [];
  for (const [index, derivedRecords] of wanted.entries()) {
    const cause = causes[index]!;
    for (const derived of derivedRecords) {
      const collection = cause.schemas.collection(derived.c);
      const record = await records.get(derived.c, derived.id);
      if (!collection || record.scope !== undefined || record.staged.length > 0) continue;
      let fields: Fields;
      try {
        fields = applyOps(collection, {}, derived.ops);
      } catch (error) {
        if (isMergeError(error)) continue;
        throw error;
      }
      const version: StagedVersion = {
        scope: derived.scope,
        c: derived.c,
        id: derived.id,
        v: 1,
        ops: derived.ops,
        fields,
        del: false,
        by: derived.by ?? cause.version.by,
        atMs: cause.version.atMs,
      };
      records.stage(record, version);
      staged.push({ version, cause: index });
    }
  }
  return staged;
}
