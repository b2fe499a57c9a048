import { defineCollection } from './define-collection.ts';

export const JOURNEY_MODULE_KINDS = ['send_email', 'send_form', 'wait', 'reminder'] as const;
export type JourneyModuleKind = (typeof JOURNEY_MODULE_KINDS)[number];

/** One item of `journeys.stages`. */
export interface JourneyStage {
  name: string;
  modules: { id: string; kind: JourneyModuleKind; label: string; waitDays?: number; formId?: string }[];
}

export const journeys = defineCollection('journeys', 'supplier', "A supplier's automation: stages of modules (R8)", {
  supplierId: [1, 'lww'],
  name: [2, 'lww'],
  /** List of JourneyStage items, in order. */
  stages: [3, 'list'],
  active: [4, 'lww'],
});

/** One run of a journey for one client (couple) (R8.1). Record id: `journeyRunId(journeyId, coupleId)`. */
export const journeyRuns = defineCollection('journey_runs', 'wedding', 'A journey running for one client', {
  journeyId: [1, 'lww'],
  supplierId: [2, 'lww'],
  weddingId: [3, 'lww'],
  coupleId: [4, 'lww'],
  /** 'running' | 'completed' | 'failed' | 'paused'. */
  status: [5, 'lww'],
  /** Index of the current stage in `journeys.stages`. */
  stageIndex: [6, 'lww'],
  /** Per-module events appended in order: `{ moduleId, event: started|completed|failed|email_opened, atMs, error? }`. */
  log: [7, 'list'],
  nextActionAtMs: [8, 'lww'],
  startedAtMs: [9, 'lww'],
});

export function journeyRunId(journeyId: string, coupleId: string): string {
  return `${journeyId}.${coupleId}`;
}
