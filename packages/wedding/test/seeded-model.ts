import type { FieldOp } from '@wedsync/protocol';
import {
  type AppliedChange,
  collectionNamed,
  type IndexableChange,
  scopeForNewRecord,
  seedChanges,
  type TopicLoss,
  WeddingModel,
} from '../src/index.ts';

/** The seed's "now": noon UTC, so "today" and "two minutes ago" fall on one calendar day. */
export const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);

export const EMMA_COUPLE = { kind: 'couple', coupleId: 'c-emma-james', weddingId: 'w-emma-james' } as const;
export const PRIYA_COUPLE = { kind: 'couple', coupleId: 'c-priya-arjun', weddingId: 'w-priya-arjun' } as const;
export const team = (supplierId: string) => ({ kind: 'team', supplierId }) as const;

/** A model holding the seeded world, built from the seed's changes (the seed test checks they equal storage's). */
export function seededModel(): WeddingModel {
  const model = new WeddingModel();
  model.applyChanges(seedChanges(NOW_MS));
  model.metrics.rebuild();
  return model;
}

/**
 * Writes further committed changes into a model the way a storage logs them (next seq, next version;
 * lww/list/text ops as given), for rights and projection tests that need no database.
 */
export class ChangeLog {
  private seq: number;
  readonly changes: IndexableChange[] = [];
  readonly applied: AppliedChange[] = [];

  constructor(readonly model: WeddingModel) {
    this.seq = Math.max(0, ...[...model.directory.records.everything()].map((r) => r.seq));
  }

  write(
    by: string,
    c: string,
    id: string,
    fields: Record<string, unknown>,
    options: { atMs?: number; del?: true; extraOps?: FieldOp[] } = {},
  ): { change: IndexableChange; applied: AppliedChange | undefined; lost: TopicLoss[] } {
    const known = this.model.directory.records.getAny(c, id);
    const scope = known?.scope ?? scopeForNewRecord(c, fields, id);
    if (!scope) throw new Error(`no scope for ${c}/${id}`);
    const schema = collectionNamed(c)?.fields as Record<string, { id: number }>;
    const ops: FieldOp[] = Object.entries(fields).map(([name, v]) => ({ k: 'set', f: schema[name]!.id, v }));
    ops.push(...(options.extraOps ?? []));
    const change: IndexableChange = {
      scope,
      seq: ++this.seq,
      c,
      id,
      v: (known?.v ?? 0) + 1,
      ops,
      by,
      at: new Date(options.atMs ?? NOW_MS).toISOString(),
    };
    if (options.del) change.del = true;
    this.changes.push(change);
    const { applied, lost } = this.model.applyChanges([change]);
    this.applied.push(...applied);
    return { change, applied: applied[0], lost };
  }
}
