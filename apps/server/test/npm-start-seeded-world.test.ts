import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Seeding the demo world into a fresh PGlite on a loaded 2-core machine. */
const START_TIMEOUT_MS = 120_000;

/**
 * Issue 4 acceptance "`npm start` shows the seeded world through the API", on the real entry point:
 * `npm start` (scripts/start.mjs → apps/server/src/main.ts) in a child process with no configuration
 * but a fresh DATA_DIR and port 0 — embedded PGlite, in-process bus, generated dev secret — and
 * WEB_DIST_DIR pointing at nothing, so start.mjs skips the web build. People log in the way the login
 * screen does (`POST /auth/dev-login`) and read the seeded world over HTTP under their own rights.
 */
describe('issue 4 item 8: npm start serves the seeded world through the API', () => {
  let dataDir: string;
  let app: ChildProcess | undefined;
  let exited: Promise<number | null>;
  let url = '';
  const output: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wedsync-npm-start-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      WEB_DIST_DIR: join(dataDir, 'no-web'),
    };
    // The embedded default: no database, bus or secret configured.
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'JWKS_URL']) delete env[name];
    // Its own process group, so the test stops npm, the script and the server together.
    const child = spawn('npm', ['start'], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    app = child;
    exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`npm start not listening within ${START_TIMEOUT_MS} ms:\n${output.join('')}`)),
        START_TIMEOUT_MS,
      );
      const onData = (chunk: Buffer) => {
        output.push(chunk.toString());
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+) \(embedded PGlite, in-process bus\)/.exec(
          output.join(''),
        );
        if (!match?.[1]) return;
        clearTimeout(timer);
        resolve(match[1]);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('close', (code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited with ${code}:\n${output.join('')}`));
      });
    });
  }, START_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    if (app?.pid && app.exitCode === null) {
      process.kill(-app.pid, 'SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  const tokenOf = async (email: string): Promise<string> => {
    const response = await fetch(`${url}/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    expect(response.status, email).toBe(200);
    return ((await response.json()) as { token: string }).token;
  };
  const fetchAs = (token: string, path: string) =>
    fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  /** Reads the API as a logged-in person; every read must be allowed. */
  const loginAs = async (email: string) => {
    const token = await tokenOf(email);
    return async <T>(path: string): Promise<T> => {
      const answer = await fetchAs(token, path);
      expect(answer.status, path).toBe(200);
      return (await answer.json()) as T;
    };
  };

  it('R2.2 R6.1 R6.2 R7.1 Sarah sees both weddings, her metrics, forms, the running journey and the week of activity', async () => {
    const people = (await (await fetch(`${url}/auth/dev-people`)).json()) as { people: { email: string }[] };
    expect(people.people.map((person) => person.email)).toEqual(
      expect.arrayContaining(['emma@wedme.example', 'sarah@lenslight.example', 'noah@bloom.example']),
    );
    const sarah = await loginAs('sarah@lenslight.example');
    const { clients } = await sarah<{
      clients: { displayName: string; wedding: { fields: Record<string, unknown> } }[];
    }>('/api/suppliers/lenslight/clients');
    expect(clients.map((client) => client.displayName).sort()).toEqual(['Emma & James', 'Priya & Arjun']);
    expect(clients.find((client) => client.displayName === 'Emma & James')?.wedding.fields).toMatchObject({
      venue: 'Oakwood Hall, Surrey',
      guestCount: 150,
    });
    const { metrics } = await sarah<{ metrics: Record<string, unknown> }>('/api/suppliers/lenslight/metrics');
    expect(metrics).toMatchObject({ supplierId: 'lenslight', activeClients: 2 });
    const forms = await sarah<{ records: { id: string }[] }>('/api/suppliers/lenslight/forms');
    expect(forms.records.map((record) => record.id)).toContain('a-emma-questionnaire');
    const journeys = await sarah<{ records: { id: string; fields: { status?: string } }[] }>(
      '/api/suppliers/lenslight/journeys',
    );
    expect(journeys.records.find((record) => record.id === 'j-lenslight-onboarding.c-emma-james')?.fields.status).toBe(
      'running',
    );
    const activity = await sarah<{ items: { text: string }[] }>('/api/suppliers/lenslight/activity');
    expect(activity.items.length).toBeGreaterThan(5);
    expect(activity.items.map((item) => item.text)).toContain('James updated the guest count to 150');
    const search = await sarah<{ hits: { id: string }[] }>('/api/search?q=sunset');
    expect(search.hits.map((hit) => hit.id)).toContain('note-emma-shotlist');
  });

  it('R2.2 R14.2 Emma sees her wedding, meetings and tasks; Noah sees only Priya & Arjun', async () => {
    const emma = await loginAs('emma@wedme.example');
    const wedding = await emma<{ couple: { displayName: string } }>('/api/weddings/w-emma-james');
    expect(wedding.couple.displayName).toBe('Emma & James');
    const meetings = await emma<{ records: { id: string }[] }>('/api/weddings/w-emma-james/meetings');
    expect(meetings.records.map((record) => record.id).sort()).toEqual(['mt-emma-engagement', 'mt-emma-tasting']);
    const tasks = await emma<{ records: { id: string }[] }>('/api/weddings/w-emma-james/tasks');
    expect(tasks.records.map((record) => record.id)).toContain('task-emma-cake');

    const noah = await loginAs('noah@bloom.example');
    const { clients } = await noah<{ clients: { displayName: string }[] }>('/api/suppliers/bloom/clients');
    expect(clients.map((client) => client.displayName)).toEqual(['Priya & Arjun']);
    const refused = await fetchAs(await tokenOf('noah@bloom.example'), '/api/weddings/w-emma-james');
    expect(refused.status).toBe(403);
  });
});
