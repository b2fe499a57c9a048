/**
 * The small SQL surface storage needs, implemented over `pg` (a Pool) and over PGlite, so one set of
 * queries and migrations serves both (DESIGN §5). Parameters use `$1…`; rows come back as plain
 * objects. Beware the drivers differ on `bigint` columns (`pg` returns strings): read numbers with
 * `Number(...)`. Pass JSON as text and cast in SQL (`$1::text::jsonb`), which both drivers accept.
 */
export type SqlRow = Record<string, unknown>;

export interface SqlClient {
  query<Row extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  /**
   * Runs `fn` in a transaction (READ COMMITTED) on one connection: committed when it resolves,
   * rolled back when it throws. Inside, use only `tx`. Nested calls on `tx` use a savepoint.
   */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

let savepointCounter = 0;

/** `transaction` for a client that is already inside one: a savepoint, released or rolled back. */
export async function inSavepoint<T>(tx: SqlClient, fn: (tx: SqlClient) => Promise<T>): Promise<T> {
  const name = `sp_${++savepointCounter}`;
  await tx.query(`SAVEPOINT ${name}`);
  try {
    const result = await fn(tx);
    await tx.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (error) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw error;
  }
}

/** JSON as a text parameter, for `$n::text::jsonb`. */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value ?? null);
}
