import type { ProblemReport, ProblemReportReceipt } from '@wedsync/protocol';
import type { ConnectionStatus } from '../connection/connection-status.ts';
import type { OutboxProgress } from '../outbox/outbox-types.ts';

/** What a problem report reads of the SDK's parts (a `RealtimeClient`, an `Outbox`, a `SyncTelemetry` fit). */
export interface DiagnosticSources {
  client?: {
    readonly status: ConnectionStatus;
    channels(): ReadonlyArray<{ readonly topic: string; readonly state: string; readonly reason: string | null }>;
    usage?(): unknown;
  };
  outbox?: { progress(): OutboxProgress };
  telemetry?: { readonly pendingReports: number; readonly droppedReports: number };
  /** Recent log lines of the app (newest last); the last 200 are kept. */
  log?: readonly string[];
  /** Anything else the app wants support to see (versions, settings …). */
  extra?: Record<string, unknown>;
  /** Epoch ms; default Date.now. */
  nowMs?: () => number;
}

/** R15.2: the diagnostic bundle of "report a problem": link state, channels, queue, telemetry and log. */
export function collectDiagnostics(sources: DiagnosticSources): Record<string, unknown> {
  const bundle: Record<string, unknown> = { at: new Date((sources.nowMs ?? Date.now)()).toISOString() };
  if (sources.client) {
    bundle.status = sources.client.status;
    bundle.channels = sources.client.channels().map(({ topic, state, reason }) => ({ topic, state, reason }));
    if (sources.client.usage) bundle.usage = sources.client.usage();
  }
  if (sources.outbox) bundle.queue = sources.outbox.progress();
  if (sources.telemetry) {
    bundle.telemetry = {
      pendingReports: sources.telemetry.pendingReports,
      droppedReports: sources.telemetry.droppedReports,
    };
  }
  if (sources.log) bundle.log = sources.log.slice(-200);
  if (sources.extra) bundle.extra = sources.extra;
  return bundle;
}

type PostFn = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/**
 * `POST {url}` (normally `/api/report-problem`) with the bundle; resolves with the receipt. Rejects with
 * `{ code, status }` (`PAYLOAD_TOO_LARGE` when the bundle is over the server's cap: send a shorter log).
 */
export async function sendProblemReport(options: {
  url: string;
  token: string;
  report: ProblemReport;
  fetch?: PostFn;
}): Promise<ProblemReportReceipt> {
  const post = options.fetch ?? (globalThis as { fetch?: PostFn }).fetch;
  if (!post) throw new TypeError('No fetch implementation: pass options.fetch');
  const response = await post(options.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
    body: JSON.stringify(options.report),
  });
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (!response.ok) {
    throw Object.assign(new Error(body.error?.message ?? `report-problem failed with HTTP ${response.status}`), {
      code: body.error?.code ?? 'SERVER_ERROR',
      status: response.status,
    });
  }
  return body as unknown as ProblemReportReceipt;
}
