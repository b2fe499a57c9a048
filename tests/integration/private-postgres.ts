import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';

const run = promisify(execFile);
const PG_BIN = process.env.PG_BIN_DIR ?? debianServerBinDir();
/** PostgreSQL refuses to run as root; the cluster belongs to this OS user. */
const PG_USER = 'postgres';

/**
 * The server binaries of the newest PostgreSQL installed the Debian way (`/usr/lib/postgresql/<major>/bin`,
 * what `.ci/run` installs: its major version follows the distribution, so it is not fixed here).
 */
function debianServerBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)) : [];
  const newest = majors
    .sort((a, b) => Number(b) - Number(a))
    .find((major) => existsSync(join(root, major, 'bin', 'initdb')));
  if (!newest) throw new Error(`no PostgreSQL server binaries under ${root}/<major>/bin; set PG_BIN_DIR`);
  return join(root, newest, 'bin');
}

/** Runs a shell command line as the postgres OS user (when we are root) or as ourselves. */
async function asPostgres(command: string): Promise<string> {
  const isRoot = process.getuid?.() === 0;
  const { stdout } = isRoot
    ? await run('su', [PG_USER, '-s', '/bin/sh', '-c', command])
    : await run('/bin/sh', ['-c', command]);
  return stdout;
}

/**
 * A throw-away PostgreSQL cluster (initdb in a temp dir, a free loopback port, trust auth, no fsync),
 * for the PostgreSQL restart test: the shared server is never restarted. `stop()` is an immediate
 * (crash-like) shutdown; `start()` brings it back on the same port with its data.
 */
export class PrivatePostgres {
  private running = false;

  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<PrivatePostgres> {
    const dir = await mkdtemp(join(tmpdir(), 'wedsync-pg-'));
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', PG_USER]);
      const { stdout: gid } = await run('id', ['-g', PG_USER]);
      await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const postgres = new PrivatePostgres(dir, await freePort());
    await asPostgres(`${PG_BIN}/initdb -D ${postgres.dataDir} -A trust -U postgres -N >/dev/null`);
    await postgres.start();
    return postgres;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    await asPostgres(
      `${PG_BIN}/pg_ctl -D ${this.dataDir} -o "${options}" -l ${this.dir}/server.log -w start >/dev/null`,
    );
    this.running = true;
  }

  /** `pg_ctl stop -m immediate`: every backend dies at once, as in a crash (recovery runs at the next start). */
  async stop(): Promise<void> {
    if (!this.running) return;
    await asPostgres(`${PG_BIN}/pg_ctl -D ${this.dataDir} -m immediate -w stop >/dev/null`);
    this.running = false;
  }

  async dispose(): Promise<void> {
    await this.stop().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}
