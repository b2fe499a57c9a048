import { fileURLToPath } from 'node:url';
import type { AuditEntry, ProblemReport } from '@wedsync/protocol';
import type { MigrationSet, SqlClient } from '@wedsync/storage-postgres';

export const PROBLEM_REPORT_MIGRATIONS: MigrationSet = {
  namespace: 'problem-reports',
  dir: fileURLToPath(new URL('./migrations/', import.meta.url)),
};

export interface StoredProblemReport {
  id: string;
  userId: string;
  at: string;
  description: string | null;
  diagnostics: Record<string, unknown>;
  auditEvents: AuditEntry[];
  userAgent: string | null;
}

/** R15.2 problem reports: the diagnostic bundle and the audit events stored with it. */
export class ProblemReportStore {
  constructor(private readonly sql: SqlClient) {}

  async add(input: {
    userId: string;
    atMs: number;
    report: ProblemReport;
    auditEvents: readonly AuditEntry[];
    userAgent?: string;
  }): Promise<string> {
    const rows = await this.sql.query<{ id: unknown }>(
      `INSERT INTO problem_reports (user_id, at_ms, description, diagnostics, audit_events, user_agent)
       VALUES ($1, $2, $3, $4::text::jsonb, $5::text::jsonb, $6) RETURNING id`,
      [
        input.userId,
        input.atMs,
        input.report.description ?? null,
        JSON.stringify(input.report.diagnostics),
        JSON.stringify(input.auditEvents),
        input.userAgent?.slice(0, 500) ?? null,
      ],
    );
    return String(rows[0]?.id);
  }

  /** The report, only for the user who sent it. */
  async get(id: string, userId: string): Promise<StoredProblemReport | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const rows = await this.sql.query<{
      id: unknown;
      user_id: string;
      at_ms: unknown;
      description: string | null;
      diagnostics: Record<string, unknown>;
      audit_events: AuditEntry[];
      user_agent: string | null;
    }>('SELECT * FROM problem_reports WHERE id = $1 AND user_id = $2', [id, userId]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: String(row.id),
      userId: row.user_id,
      at: new Date(Number(row.at_ms)).toISOString(),
      description: row.description,
      diagnostics: row.diagnostics,
      auditEvents: row.audit_events,
      userAgent: row.user_agent,
    };
  }

  async prune(olderThanMs: number): Promise<void> {
    await this.sql.query('DELETE FROM problem_reports WHERE at_ms < $1', [olderThanMs]);
  }
}
