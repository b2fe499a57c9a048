import type { Conflict, FieldOp } from '@wedsync/protocol';
import { applyOps, type Fields, textValue, validateOp } from './apply-ops.ts';
import { jsonEqual } from './json-equal.ts';
import { MergeError } from './merge-error.ts';
import type { CompiledCollection } from './schema-index.ts';
import { applyTextOp, COMMITTED_SIDE, PENDING_SIDE, type TextOp, transformTextOp } from './text-op.ts';

/** One committed version of a record, as storage keeps it in history. */
export interface CommittedVersion {
  v: number;
  /** The ops as committed (text ops apply to version `v - 1`). */
  ops: readonly FieldOp[];
  by: string;
  atMs: number;
  /** The client and mutation that wrote it, and the base that mutation named (absent for rollbacks). */
  cid?: string;
  mid?: number;
  base?: number;
  /** The ops as the client sent them, when they differ from `ops` (text transformed, conflicts dropped). */
  submitted?: readonly FieldOp[];
}

export interface MergeInput {
  collection: CompiledCollection;
  currentFields: Fields;
  currentVersion: number;
  baseVersion: number;
  /** The record's fields at `baseVersion` (`{}` for 0). */
  baseFields: Fields;
  ops: readonly FieldOp[];
  /** Every version after `baseVersion` up to `currentVersion`, oldest first. */
  committedSince: readonly CommittedVersion[];
  /** The mutation's origin; needed to recognise the client's own earlier mutations (see below). */
  clientId?: string;
  mid?: number;
}

export interface MergeResult {
  /** The ops to commit: text ops transformed to apply on the current version, conflicting manual sets dropped. */
  ops: FieldOp[];
  /** The record's fields after the ops. */
  fields: Fields;
  conflicts: Conflict[];
}

/**
 * Merges one mutation into the current record (DESIGN §2, R4.2, R10.2).
 *
 * Causal context: a mutation's ops apply to the record at `baseVersion` followed by the same
 * client's earlier mutations of that record that named the same `baseVersion` (lower `mid`). So a
 * client may send several mutations of one record before any is acknowledged, all with one base.
 * Those earlier own versions are not concurrent with it: they never cause a manual conflict and
 * text is transformed only past the other versions. Everything else after the base is concurrent.
 *
 * - `lww`: the op applies (the last commit wins).
 * - `manual`: a `set` applies only if no concurrent version set the field; otherwise it is dropped
 *   and returned as a `Conflict` (unless it equals the current value).
 * - `text`: transformed past every concurrent text op on the field, the committed op keeping the
 *   left side on ties (`PENDING_SIDE`), so both edits survive.
 * - `list`: `add`/`remove` by item id are applied as they are (idempotent, appends in commit order).
 *
 * Throws `MergeError` for an invalid op, an op that does not fit the text it was made on, or a
 * base newer than the current version.
 */
export function mergeMutation(input: MergeInput): MergeResult {
  const { collection, baseVersion, currentVersion, committedSince } = input;
  if (!Number.isInteger(baseVersion) || baseVersion < 0 || baseVersion > currentVersion) {
    throw new MergeError(
      'VALIDATION_FAILED',
      `Base version ${baseVersion} is not between 0 and the current version ${currentVersion}`,
    );
  }
  if (committedSince.length !== currentVersion - baseVersion) {
    throw new Error(`mergeMutation needs versions ${baseVersion + 1}..${currentVersion}, got ${committedSince.length}`);
  }
  for (const op of input.ops) validateOp(collection, op);

  const isOwn = (version: CommittedVersion): boolean =>
    input.clientId !== undefined &&
    input.mid !== undefined &&
    version.cid === input.clientId &&
    version.base === baseVersion &&
    version.mid !== undefined &&
    version.mid < input.mid;

  const ops = transformTextOps(input, isOwn);
  const { kept, conflicts } = detectManualConflicts(input, ops, isOwn);
  return { ops: kept, fields: applyOps(collection, input.currentFields, kept), conflicts };
}

interface PendingText {
  f: number;
  op: TextOp;
  /** Index of the op in the incoming mutation; -1 for the client's own earlier ops. */
  index: number;
}

function transformTextOps(input: MergeInput, isOwn: (version: CommittedVersion) => boolean): FieldOp[] {
  const ops = input.ops.map((op) => ({ ...op }));
  if (!ops.some((op) => op.k === 'text')) return ops;

  const pending: PendingText[] = [];
  for (const version of input.committedSince) {
    if (!isOwn(version)) continue;
    for (const op of version.submitted ?? version.ops)
      if (op.k === 'text') pending.push({ f: op.f, op: op.op, index: -1 });
  }
  ops.forEach((op, index) => {
    if (op.k === 'text') pending.push({ f: op.f, op: op.op, index });
  });
  checkTextContext(input, pending);

  for (const version of input.committedSince) {
    if (isOwn(version)) {
      // The own version's ops are now part of the committed prefix: drop them from the front.
      const count = (version.submitted ?? version.ops).filter((op) => op.k === 'text').length;
      pending.splice(0, count);
    } else {
      rebaseTextOver(pending, version.ops);
    }
  }
  for (const entry of pending) {
    const op = ops[entry.index];
    if (op?.k === 'text') op.op = entry.op;
  }
  return ops;
}

/** Each text op must fit the text it was made on: the base text plus the ops before it (else `VALIDATION_FAILED`). */
function checkTextContext(input: MergeInput, pending: readonly PendingText[]): void {
  const texts = new Map<number, string>();
  for (const entry of pending) {
    const before = texts.get(entry.f) ?? textValue(input.baseFields[String(entry.f)], input.collection, entry.f);
    texts.set(entry.f, applyTextOp(before, entry.op));
  }
}

/**
 * Moves pending (uncommitted) text ops past committed ops made on the same text, in place: each
 * pending op is transformed with `PENDING_SIDE`, and the committed op is carried past it with
 * `COMMITTED_SIDE` so it meets the next pending op in that op's coordinates.
 */
function rebaseTextOver(pending: PendingText[], committedOps: readonly FieldOp[]): void {
  for (const committed of committedOps) {
    if (committed.k !== 'text') continue;
    let incoming: TextOp = committed.op;
    for (const entry of pending) {
      if (entry.f !== committed.f) continue;
      const rebased = transformTextOp(entry.op, incoming, PENDING_SIDE);
      incoming = transformTextOp(incoming, entry.op, COMMITTED_SIDE);
      entry.op = rebased;
    }
  }
}

function detectManualConflicts(
  input: MergeInput,
  ops: FieldOp[],
  isOwn: (version: CommittedVersion) => boolean,
): { kept: FieldOp[]; conflicts: Conflict[] } {
  const conflicts = new Map<number, Conflict>();
  const kept = ops.filter((op) => {
    if (op.k !== 'set' || input.collection.byId.get(op.f)?.kind !== 'manual') return true;
    const theirs = lastConcurrentSet(input.committedSince, op.f, isOwn);
    const current = input.currentFields[String(op.f)];
    if (!theirs || jsonEqual(op.v, current)) return true;
    conflicts.set(op.f, {
      f: op.f,
      base: input.baseFields[String(op.f)],
      mine: op.v,
      theirs: current,
      by: theirs.by,
      at: new Date(theirs.atMs).toISOString(),
      v: theirs.v,
    });
    return false;
  });
  return { kept, conflicts: [...conflicts.values()] };
}

function lastConcurrentSet(
  versions: readonly CommittedVersion[],
  f: number,
  isOwn: (version: CommittedVersion) => boolean,
): CommittedVersion | undefined {
  for (let i = versions.length - 1; i >= 0; i--) {
    const version = versions[i]!;
    if (!isOwn(version) && version.ops.some((op) => op.k === 'set' && op.f === f)) return version;
  }
  return undefined;
}

/**
 * Rebases a client's optimistic queue (R11.2) on committed changes it has just received: every
 * pending text op is transformed past the incoming text ops with the same tie rule the server uses,
 * so the client's view (`incoming` applied, then the returned ops) equals what the server will
 * commit. `pending` and `incoming` are lists of mutations' / changes' ops, oldest first; the result
 * keeps `pending`'s shape. Non-text ops are returned unchanged.
 */
export function rebasePending(
  collection: CompiledCollection,
  pending: readonly (readonly FieldOp[])[],
  incoming: readonly (readonly FieldOp[])[],
): FieldOp[][] {
  const result = pending.map((ops) => ops.map((op) => ({ ...op })));
  const entries: (PendingText & { group: number })[] = [];
  result.forEach((ops, group) => {
    ops.forEach((op, index) => {
      if (op.k === 'text') {
        validateOp(collection, op);
        entries.push({ f: op.f, op: op.op, index, group });
      }
    });
  });
  if (entries.length === 0) return result;
  for (const ops of incoming) rebaseTextOver(entries, ops);
  for (const entry of entries) {
    const op = result[entry.group]?.[entry.index];
    if (op?.k === 'text') op.op = entry.op;
  }
  return result;
}

/**
 * Manual fields that a pending mutation sets and an incoming committed change also set: the
 * client should show the conflict (R4.1 warning) before it sends, since rebasing moves the
 * pending mutation's base past the other write.
 */
export function concurrentManualFields(
  collection: CompiledCollection,
  pending: readonly (readonly FieldOp[])[],
  incoming: readonly (readonly FieldOp[])[],
): number[] {
  const setByIncoming = new Set<number>();
  for (const ops of incoming) for (const op of ops) if (op.k === 'set') setByIncoming.add(op.f);
  const fields = new Set<number>();
  for (const ops of pending) {
    for (const op of ops) {
      if (op.k === 'set' && setByIncoming.has(op.f) && collection.byId.get(op.f)?.kind === 'manual') fields.add(op.f);
    }
  }
  return [...fields];
}
