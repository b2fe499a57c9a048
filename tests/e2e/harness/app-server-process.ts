import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root (tests/e2e/harness → ../../..). */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');

/**
 * Where the built web app is: apps/web/dist, or WEDSYNC_E2E_WEB_DIST (several people building and
 * running the suite in one checkout at once each use their own directory).
 */
export function webDistDir(): string {
  return process.env.WEDSYNC_E2E_WEB_DIST ?? join(REPO_ROOT, 'apps/web/dist');
}

/**
 * Settings that would point the app at a shared service. The browser suite runs each file on the
 * embedded default (its own PGlite under a fresh DATA_DIR, in-process bus), as `npm start` does; when
 * `npm test` sets DATABASE_URL/REDIS_URL for the PostgreSQL and Redis suites, inheriting them would put
 * every browser file, and every earlier run, in one database, so seeded people would see each other's
 * leftovers (duplicate chat lines, history entries and notes). A test that wants a service passes it
 * in `env`.
 */
const SHARED_SERVICE_ENV = ['DATABASE_URL', 'REDIS_URL', 'SMTP_URL', 'SMS_API_URL', 'JWKS_URL'] as const;

function embeddedDefaultEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of SHARED_SERVICE_ENV) delete copy[name];
  return copy;
}

export interface AppServerOptions {
  /** Reuse a data directory (e.g. to restart on the same embedded database). Default: a fresh temp dir. */
  dataDir?: string;
  /** Default 0 (any free port); a restart reuses the first port so open pages reconnect. */
  port?: number;
  env?: Record<string, string>;
  /** Milliseconds to wait for "listening"; default 60 000 (PGlite's first start is slow). */
  startTimeoutMs?: number;
}

export interface AppServerProcess {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Output lines of the server, for diagnostics in a failing test. */
  readonly output: string[];
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** Stops and starts again on the same port and data directory (acceptance scenario 9). */
  restart(): Promise<void>;
  /** Stops and deletes the data directory when it was created here. */
  dispose(): Promise<void>;
}

/**
 * Runs the real deployable (`apps/server/src/main.ts`, what `npm start` runs) in a child process with
 * the built web app, on 127.0.0.1. Resolves once it prints its URL.
 */
export async function startAppServer(options: AppServerOptions = {}): Promise<AppServerProcess> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'wedsync-e2e-')));
  const output: string[] = [];
  let child: ChildProcess | null = null;
  let port = options.port ?? 0;
  let url = '';

  const launch = async () => {
    const started = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'apps/server/src/main.ts')], {
      cwd: REPO_ROOT,
      env: {
        ...embeddedDefaultEnv(process.env),
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        WEB_DIST_DIR: webDistDir(),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`app server did not start in time:\n${output.join('\n')}`)),
        options.startTimeoutMs ?? 60_000,
      );
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) {
          if (!line) continue;
          output.push(line);
          if (output.length > 500) output.shift();
          const match = /listening on (http:\/\/[^\s]+)/.exec(line);
          if (match?.[1]) {
            clearTimeout(timer);
            resolveUrl(match[1]);
          }
        }
      };
      started.stdout?.on('data', onData);
      started.stderr?.on('data', onData);
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`app server exited with ${code}:\n${output.join('\n')}`));
      });
    });
    port = Number(new URL(url).port);
  };

  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((done) => {
      const killTimer = setTimeout(() => running.kill('SIGKILL'), 10_000);
      running.once('exit', () => {
        clearTimeout(killTimer);
        done();
      });
      running.kill('SIGTERM');
    });
  };

  await launch();
  return {
    get url() {
      return url;
    },
    get port() {
      return port;
    },
    dataDir,
    output,
    stop,
    async restart() {
      await stop();
      await launch();
    },
    async dispose() {
      await stop();
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
