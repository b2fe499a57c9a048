import {
  type AuditPage,
  isAuditEventKind,
  MAX_PROBLEM_REPORT_BYTES,
  type ProblemReportReceipt,
  problemReportSchema,
} from '@wedsync/protocol';
import type { AuthUser } from '@wedsync/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { apiError, bodyErrorHandler } from './api-errors.ts';
import type { AuditService } from './audit-service.ts';
import type { Authenticate } from './bearer-auth.ts';

const HOUR_MS = 3_600_000;

/** Epoch ms, or an ISO 8601 date/time. */
export const timeParam = z.string().transform((value, ctx) => {
  const ms = /^\d{1,15}$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO 8601 time' });
    return z.NEVER;
  }
  return ms;
});

const auditQuerySchema = z.object({
  tenant: z.string().min(1).max(200).optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  /** Comma-separated kinds. */
  kind: z
    .string()
    .transform((value) => value.split(',').filter(Boolean))
    .refine((kinds) => kinds.every(isAuditEventKind), { message: 'unknown audit event kind' })
    .optional(),
  actor: z.string().min(1).max(200).optional(),
  topic: z.string().min(1).max(300).optional(),
  before: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(1_000).optional(),
});

export function describeZod(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}

/**
 * The audit HTTP API (R14.1, R15.2), bearer token as `/api/me`:
 * - `GET /api/audit/tenants` → `{ tenants: string[] }` whose trail the user may read
 * - `GET /api/audit?tenant=&from=&to=&kind=a,b&actor=&topic=&before=&limit=` → `AuditPage` (newest first);
 *   a tenant the user may not read → 403 FORBIDDEN (nothing of it is returned)
 * - `POST /api/report-problem` `{ description?, diagnostics }` (≤ MAX_PROBLEM_REPORT_BYTES, else 413
 *   PAYLOAD_TOO_LARGE) → 201 `{ id, auditEvents }`: stored with the user's audit events of the last hour
 * - `GET /api/report-problem/:id` → the stored report, for the user who sent it
 */
export function registerAuditRoutes(
  app: FastifyInstance,
  options: { audit: AuditService; authenticate: Authenticate; nowMs?: () => number },
): void {
  const { audit, authenticate } = options;
  const nowMs = options.nowMs ?? Date.now;
  const users = new WeakMap<FastifyRequest, AuthUser>();
  /** Authenticates before the body is read: a stranger's upload is refused without reading it. */
  const onRequest = async (request: FastifyRequest, reply: FastifyReply) => {
    const user = await authenticate(request, reply);
    if (user) users.set(request, user);
  };

  app.get('/api/audit/tenants', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    return { tenants: audit.grants(user.id).map((grant) => grant.tenant) };
  });

  app.get('/api/audit', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    const parsed = auditQuerySchema.safeParse(request.query ?? {});
    if (!parsed.success) return reply.code(400).send(apiError('VALIDATION_FAILED', describeZod(parsed.error)));
    const query = parsed.data;
    const grants = audit.grants(user.id);
    const grant =
      query.tenant === undefined ? grants[0] : grants.find((candidate) => candidate.tenant === query.tenant);
    if (!grant) {
      const what = query.tenant === undefined ? 'any tenant' : query.tenant;
      return reply.code(403).send(apiError('FORBIDDEN', `You may not read the audit trail of ${what}`));
    }
    await audit.catchUp();
    const limit = query.limit ?? 100;
    const entries = await audit.store.query({
      tenant: grant.tenant,
      members: grant.members,
      fromMs: query.from,
      toMs: query.to,
      kinds: query.kind?.filter(isAuditEventKind),
      actor: query.actor,
      topic: query.topic,
      before: query.before,
      limit,
    });
    const page: AuditPage = {
      tenant: grant.tenant,
      entries,
      nextBefore: entries.length === limit ? (entries.at(-1)?.id ?? null) : null,
    };
    return page;
  });

  app.post(
    '/api/report-problem',
    {
      bodyLimit: MAX_PROBLEM_REPORT_BYTES,
      onRequest,
      errorHandler: bodyErrorHandler(MAX_PROBLEM_REPORT_BYTES),
    },
    async (request, reply) => {
      const user = users.get(request);
      if (!user) return reply;
      const parsed = problemReportSchema.safeParse(request.body);
      if (!parsed.success) return reply.code(400).send(apiError('VALIDATION_FAILED', describeZod(parsed.error)));
      await audit.catchUp();
      const atMs = nowMs();
      const auditEvents = await audit.store.forActor(user.id, atMs - HOUR_MS);
      const id = await audit.problems.add({
        userId: user.id,
        atMs,
        report: parsed.data,
        auditEvents,
        userAgent: request.headers['user-agent'],
      });
      const receipt: ProblemReportReceipt = { id, auditEvents: auditEvents.length };
      return reply.code(201).send(receipt);
    },
  );

  app.get<{ Params: { id: string } }>('/api/report-problem/:id', async (request, reply) => {
    const user = await authenticate(request, reply);
    if (!user) return reply;
    const report = await audit.problems.get(request.params.id, user.id);
    if (!report) return reply.code(404).send(apiError('RECORD_NOT_FOUND', 'No such problem report of yours'));
    return report;
  });
}
