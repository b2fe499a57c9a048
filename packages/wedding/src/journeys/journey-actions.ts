import type { FieldOp } from '@wedsync/protocol';
import { fieldIdOf } from '../collections/wedding-schemas.ts';
import type { Directory } from '../directory/directory.ts';
import { weddingScope } from '../rights/audience.ts';
import type { JourneyEmail, JourneyMailer } from './journey-mailer.ts';
import { type JourneyStep, logEvents, type RunState } from './journey-plan.ts';
import { type RecordWriter, writeOne } from './record-writer.ts';

export interface ActionContext {
  directory: Directory;
  writer: RecordWriter;
  mailer: JourneyMailer;
  nowMs: number;
  /** Settles a send that hangs; default 20 000 (keep it well under the lease). */
  actionTimeoutMs: number;
  trackingPixelUrl?: (runId: string, moduleId: string) => string | undefined;
}

export type ActionResult =
  | { ok: true; detail: Record<string, unknown> }
  | { ok: false; error: string; retryable: boolean };

/**
 * Performs one action module of a run (R8): `send_email` emails the couple; `send_form` assigns the
 * form to the couple's wedding (once: an existing assignment of that form is reused) and emails them;
 * `reminder` emails about the journey's form when it is not submitted yet (else it is skipped).
 * The result's detail goes into the run log: recipient names, subject, never email addresses.
 */
export async function performAction(
  ctx: ActionContext,
  runId: string,
  run: RunState,
  step: JourneyStep,
  attempt: number,
  steps: readonly JourneyStep[],
): Promise<ActionResult> {
  const { directory } = ctx;
  const module = step.module;
  const supplierName = String(directory.records.get('suppliers', run.supplierId)?.fields.name ?? run.supplierId);
  const to = directory
    .partnersOf(run.coupleId)
    .map((userId) => ({ userId, name: directory.displayName(userId), email: directory.user(userId)?.fields.email }))
    .filter((p): p is { userId: string; name: string; email: string } => typeof p.email === 'string');
  if (to.length === 0) return { ok: false, error: 'The couple has no email address', retryable: false };
  const firstNames = to.map((p) => p.name.split(/\s+/)[0] ?? p.name).join(' and ');
  const detail: Record<string, unknown> = { to: to.map((p) => p.name) };
  let subject = module.label;
  let text = `Hello ${firstNames},\n\n${supplierName}: ${module.label}.`;

  if (module.kind === 'send_form' || module.kind === 'reminder') {
    const formId = module.formId ?? (module.kind === 'reminder' ? journeyFormOf(steps, step) : undefined);
    if (module.kind === 'send_form' && !formId) {
      return { ok: false, error: `Module ${module.id} names no form`, retryable: false };
    }
    if (formId) {
      const form = directory.records.get('forms', formId);
      if (!form || form.fields.supplierId !== run.supplierId) {
        return { ok: false, error: `Form ${formId} is not one of ${supplierName}'s forms`, retryable: false };
      }
      const formTitle = String(form.fields.title ?? 'form');
      const assignment =
        module.kind === 'send_form'
          ? await ensureAssignment(ctx, runId, run, module.id, formId, attempt)
          : existingAssignment(directory, run.weddingId, formId);
      if (typeof assignment === 'object' && 'error' in assignment) return { ok: false, ...assignment };
      if (module.kind === 'reminder') {
        if (!assignment) return { ok: true, detail: { skipped: `${formTitle} was never sent` } };
        if (directory.records.get('form_assignments', assignment)?.fields.status === 'submitted') {
          return { ok: true, detail: { skipped: `${formTitle} is already completed` } };
        }
      }
      detail.assignmentId = assignment;
      detail.formTitle = formTitle;
      subject = module.kind === 'send_form' ? `${supplierName}: please fill in ${formTitle}` : `Reminder: ${formTitle}`;
      text =
        module.kind === 'send_form'
          ? `Hello ${firstNames},\n\n${supplierName} would like you to fill in "${formTitle}" in WedMe.`
          : `Hello ${firstNames},\n\nA friendly reminder from ${supplierName}: "${formTitle}" is waiting for you in WedMe.`;
    }
  }
  const email: JourneyEmail = {
    idempotencyKey: `journey:${runId}:${module.id}`,
    runId,
    moduleId: module.id,
    kind: module.kind === 'wait' ? 'send_email' : module.kind,
    to,
    from: { supplierId: run.supplierId, name: supplierName },
    subject,
    text,
  };
  const pixel = ctx.trackingPixelUrl?.(runId, module.id);
  if (pixel) email.trackingPixelUrl = pixel;
  detail.subject = subject;
  const sent = await withTimeout(ctx.mailer.send(email), ctx.actionTimeoutMs);
  if (!sent.ok) return { ok: false, error: sent.error, retryable: sent.retryable !== false };
  if (sent.recorded) detail.recorded = true;
  if (sent.providerRef) detail.providerRef = sent.providerRef;
  return { ok: true, detail };
}

/** The form of the nearest earlier `send_form` module (what a reminder without its own form is about). */
function journeyFormOf(steps: readonly JourneyStep[], step: JourneyStep): string | undefined {
  for (let i = step.index - 1; i >= 0; i--) {
    const formId = steps[i]?.module.kind === 'send_form' ? steps[i]?.module.formId : undefined;
    if (formId) return formId;
  }
  return undefined;
}

function existingAssignment(directory: Directory, weddingId: string, formId: string): string | undefined {
  return directory.records.where('form_assignments', 'weddingId', weddingId).find((a) => a.fields.formId === formId)
    ?.id;
}

/** The assignment id, creating `ja-{runId}-{moduleId}` when the wedding has none of this form yet. */
async function ensureAssignment(
  ctx: ActionContext,
  runId: string,
  run: RunState,
  moduleId: string,
  formId: string,
  attempt: number,
): Promise<string | { error: string; retryable: boolean }> {
  const id = `ja-${runId}-${moduleId}`;
  if (await ctx.writer.getRecord('form_assignments', id)) return id;
  const existing = existingAssignment(ctx.directory, run.weddingId, formId);
  if (existing) return existing;
  const set = (name: string, v: unknown): FieldOp => ({ k: 'set', f: fieldIdOf('form_assignments', name), v });
  const result = await writeOne(
    ctx.writer,
    {
      clientId: `journey:${runId}:${moduleId}:assign`,
      mid: attempt,
      c: 'form_assignments',
      id,
      scope: weddingScope(run.weddingId),
      base: 0,
      ops: [
        set('formId', formId),
        set('supplierId', run.supplierId),
        set('weddingId', run.weddingId),
        set('status', 'assigned'),
        set('assignedAtMs', ctx.nowMs),
      ],
    },
    ctx.nowMs,
  );
  if (result.status === 'rejected') return { error: `${result.code}: ${result.message}`, retryable: true };
  return id;
}

async function withTimeout<T extends { ok: boolean }>(
  work: Promise<T>,
  timeoutMs: number,
): Promise<T | { ok: false; error: string; retryable: true }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<{ ok: false; error: string; retryable: true }>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, error: `No answer within ${timeoutMs} ms`, retryable: true }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      work.catch((error: unknown) => ({
        ok: false as const,
        error: error instanceof Error ? error.message : String(error),
        retryable: true as const,
      })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a module's form was completed already according to the run log (R8.1 "form completed"). */
export function formCompletedLogged(run: RunState, moduleId: string): boolean {
  return logEvents(run).some((e) => e.moduleId === moduleId && e.event === 'form_completed');
}
