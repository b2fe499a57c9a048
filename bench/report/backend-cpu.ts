import { readFile } from 'node:fs/promises';
import type { SqlClient } from '@wedsync/storage-postgres';

/** Cumulative CPU (µs) of each of the bench's database backends by pid; empty where the database is in this process. */
export type DatabaseCpu = () => Promise<Map<number, number>>;

/** CPU the backends spent since `before`: backends that started since count whole, ended ones are not seen. */
export function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let micros = 0;
  for (const [pid, total] of after) micros += total - (before.get(pid) ?? 0);
  return micros;
}

/** The database's own CPU: the bench's backends, found by application_name, read from /proc (µs). */
export function backendCpu(sql: SqlClient, applicationName: string): DatabaseCpu {
  const ticksPerSecond = 100; // USER_HZ on Linux
  return async () => {
    const rows = await sql.query<{ pid: number }>(
      // The backend running this query is listed too: excluding it would drop a different pool
      // connection at each reading and count its whole life as new.
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    const micros = new Map<number, number>();
    for (const { pid } of rows) {
      try {
        const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
        micros.set(pid, ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1_000_000);
      } catch {
        // A backend that ended between the listing and the read: not seen, on either side alike.
      }
    }
    return micros;
  };
}
