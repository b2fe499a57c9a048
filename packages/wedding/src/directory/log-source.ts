import type { SchemaIndex } from '@wedsync/merge';
import type { Mutation, MutationResult } from '@wedsync/protocol';
import type { IndexableChange } from './record-index.ts';

/**
 * The parts of the engine's `Storage` seam (`@wedsync/server` storage.ts) this package uses, declared
 * structurally so the wedding model depends on the contract, not on the engine's module layout.
 * Every `Storage` adapter satisfies both interfaces.
 */
export interface LogSource {
  changesSince(scopes: readonly string[], afterSeq: number, limit: number): Promise<IndexableChange[]>;
  snapshot(scopes: readonly string[]): Promise<{ seq: number; records: LoadableRecord[] }>;
  oldestRetainedSeq(): Promise<number>;
}

export interface LoadableRecord {
  c: string;
  id: string;
  v: number;
  fields: Record<string, unknown>;
  del?: true;
  scope: string;
  seq: number;
  updatedBy: string;
  updatedAtMs: number;
}

export interface CommitTarget {
  lastMutationId(clientId: string): Promise<number>;
  commit(request: {
    clientId: string;
    actor: { userId: string; name: string; sessionId?: string };
    scope: string;
    mutations: Mutation[];
    schemas: SchemaIndex;
    nowMs: number;
  }): Promise<{ results: MutationResult[] }>;
}
