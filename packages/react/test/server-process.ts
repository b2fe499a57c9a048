import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';

/** A real realtime server in a child process (see fixtures/realtime-server-main.ts), for tests under jsdom; `records` adds record sync (locks, mutations) over in-memory PGlite. */
export interface ServerProcess {
  wsUrl: string;
  /** HS256 token for `sub` with a display `name`, valid one hour. */
  sign(sub: string, name: string): string;
  stop(): Promise<void>;
}

const SECRET = 'react-hooks-test-secret-0123456789abcdef';

export async function startServerProcess(options: { records?: boolean } = {}): Promise<ServerProcess> {
  const main = join(import.meta.dirname, 'fixtures', 'realtime-server-main.ts');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, WEDSYNC_TEST_JWT_SECRET: SECRET, WEDSYNC_TEST_RECORDS: options.records ? '1' : '0' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const wsUrl = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n')[0];
      if (buffer.includes('\n') && line) resolve((JSON.parse(line) as { wsUrl: string }).wsUrl);
    });
    child.once('exit', (code) => reject(new Error(`server process exited early with ${code}`)));
    child.once('error', reject);
  });
  return {
    wsUrl,
    sign(sub, name) {
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub, name, exp: Math.floor(Date.now() / 1000) + 3600 })}`;
      return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin?.end();
      }),
  };
}
