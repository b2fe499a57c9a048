import type { ErrorCode } from '@wedsync/protocol';

/** A record as the app sees it: server-confirmed state with this client's pending changes applied (R11.1). */
export interface RecordView {
  c: string;
  id: string;
  /** The server-confirmed version; 0 while the record exists only here. */
  v: number;
  /** The channel topic the record syncs on. */
  topic: string;
  /** Field name → value: any JSON for lww/manual, a string for text, `{ id, v }[]` for lists. */
  fields: Record<string, unknown>;
  /** Names of the fields with changes not yet confirmed by the server (for "saving…" marks). */
  pendingFields: string[];
}

export interface FieldChange {
  name: string;
  /** Wire field id. */
  f: number;
  old: unknown;
  new: unknown;
}

/**
 * Why a record's view changed: `local` an edit made here; `remote` a committed change by someone else
 * (or by this user on another device); `undo` the server refused this client's change and it was taken
 * back; `resync` a snapshot replaced the confirmed state.
 */
export type ChangeSource = 'local' | 'remote' | 'undo' | 'resync';

/**
 * One record's change, with old → new values for toasts and highlights (R3.3). Also announced when
 * no visible value changed but the record's confirmed version or its unconfirmed fields did (an own
 * edit confirmed with the value it already showed): `fields` is then empty.
 */
export interface RecordChangeInfo {
  c: string;
  id: string;
  source: ChangeSource;
  /** Who made a remote change (user id or an anonymised label) and when (ISO 8601). */
  by?: string;
  at?: string;
  /** The confirmed version after the change, when it moved (a committed change, a confirmation). */
  v?: number;
  created: boolean;
  deleted: boolean;
  fields: FieldChange[];
  /** Fields whose edits made here the server has now confirmed (no longer pending); absent when none. */
  confirmed?: string[];
}

export type StoreListener = (changes: RecordChangeInfo[]) => void;

/** A refused store call (unknown collection or field, wrong field kind, no topic). */
export class StoreError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}

export function recordKey(c: string, id: string): string {
  return `${c}\u0000${id}`;
}
