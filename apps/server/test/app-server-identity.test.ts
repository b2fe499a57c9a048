import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedPeople } from '@wedsync/wedding';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAppConfig } from '../src/app-config.ts';
import { type AppServer, startAppServer } from '../src/app-server.ts';
import { registerDevLoginRoutes } from '../src/dev-login-routes.ts';

// Issue 2 item 5: the embedded default needs no configuration — a generated development secret under
// DATA_DIR, dev logins for the seeded people, and GET /api/me with the topics they may join.
describe('demo identity on the embedded default (R1.1, R1.2)', () => {
  let dataDir: string;
  let server: AppServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wedsync-app-'));
    server = await startAppServer(
      loadAppConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
    );
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const login = (email: string) =>
    fetch(`${server.url}/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });

  it('serves /healthz with storage and bus health', async () => {
    const health = await (await fetch(`${server.url}/healthz`)).json();
    expect(health).toMatchObject({ ok: true, bus: { ok: true }, checks: { storage: { ok: true } } });
  });

  it('issues a token for every seeded person and /api/me lists their topics', async () => {
    for (const email of [
      'emma@wedme.example',
      'james@wedme.example',
      'sarah@lenslight.example',
      'bob@lenslight.example',
      'olivia@feast.example',
      'liam@oakwood.example',
      'priya@wedme.example',
      'noah@bloom.example',
    ]) {
      const response = await login(email);
      expect(response.status, email).toBe(200);
      const { token, user } = (await response.json()) as { token: string; user: { id: string } };
      const me = (await (
        await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as {
        user: { id: string; email: string };
        topics: { topic: string }[];
      };
      expect(me.user.id).toBe(user.id);
      expect(me.user.email).toBe(email);
      expect(me.topics.length, email).toBeGreaterThan(0);
    }
  });

  it('never offers Noah (florist of Priya only) a topic of Emma and James (R2.2, R14.2)', async () => {
    const { token } = (await (await login('noah@bloom.example')).json()) as { token: string };
    const me = (await (
      await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { topics: { topic: string }[] };
    expect(me.topics.map((grant) => grant.topic).join(' ')).not.toMatch(/emma|james/);
  });

  it("R3.3 /api/me names the people one collaborates with, never another supplier's team (R14.2)", async () => {
    const meOf = async (email: string) => {
      const { token } = (await (await login(email)).json()) as { token: string };
      const me = (await (
        await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as {
        people: { id: string; name: string; kind: string; supplierId?: string }[];
      };
      return me.people;
    };
    const sarahSees = await meOf('sarah@lenslight.example');
    expect(sarahSees.map((person) => person.id)).toEqual(expect.arrayContaining(['u-bob', 'u-emma', 'u-james']));
    expect(sarahSees.every((person) => person.kind === 'couple' || person.supplierId === 'lenslight')).toBe(true);
    const emmaSees = await meOf('emma@wedme.example');
    expect(emmaSees.find((person) => person.id === 'u-james')?.name).toBe('James Carter');
    expect(emmaSees.some((person) => person.supplierId === 'lenslight')).toBe(true);
    expect(emmaSees.some((person) => person.supplierId === 'bloom')).toBe(false);
  });

  it('refuses unknown people, bad bodies and missing or forged tokens with clear codes', async () => {
    expect(await (await login('nobody@example.com')).json()).toMatchObject({ error: { code: 'RECORD_NOT_FOUND' } });
    const bad = await fetch(`${server.url}/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"mail":1}',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((await fetch(`${server.url}/api/me`)).status).toBe(401);
    const forged = await fetch(`${server.url}/api/me`, {
      headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1LWVtbWEifQ.' },
    });
    expect(await forged.json()).toMatchObject({ error: { code: 'TOKEN_ALG_NOT_ALLOWED' } });
  });

  it('keeps the generated development secret across restarts (tokens stay valid)', async () => {
    const { token } = (await (await login('emma@wedme.example')).json()) as { token: string };
    const { loadOrCreateDevSecret } = await import('../src/dev-secret.ts');
    const secret = await loadOrCreateDevSecret(dataDir);
    const { jwtVerify } = await import('jose');
    await expect(jwtVerify(token, new TextEncoder().encode(secret))).resolves.toBeTruthy();
  });
});

// Issue 2 item 5, "generates and keeps a development JWT secret under ./data", with real restarts: a
// token issued by one run of the app is accepted by the next run on the same DATA_DIR (the secret is
// read back, not generated again), and refused by a run on another DATA_DIR (it got its own secret).
describe('R1.1 issue 2: the development secret survives a restart of the app', () => {
  const dataDirs: string[] = [];
  let running: AppServer | undefined;

  afterAll(async () => {
    await running?.close();
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  });

  /** `npm start` with no configuration but DATA_DIR (and a free port). */
  const start = async (dataDir: string) => {
    running = await startAppServer(
      loadAppConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
    );
    return running;
  };
  const stop = async () => {
    await running?.close();
    running = undefined;
  };
  const meStatus = async (app: AppServer, token: string) =>
    (await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status;

  it('R1.1 issue 2: a dev-login token stays valid after a restart on the same DATA_DIR, not on a new one', async () => {
    const first = await mkdtemp(join(tmpdir(), 'wedsync-restart-'));
    const second = await mkdtemp(join(tmpdir(), 'wedsync-restart-'));
    dataDirs.push(first, second);

    const before = await start(first);
    const login = await fetch(`${before.url}/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'emma@wedme.example' }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    expect(await meStatus(before, token)).toBe(200);
    await stop();

    const restarted = await start(first);
    expect(await meStatus(restarted, token)).toBe(200);
    await stop();

    const elsewhere = await start(second);
    const refused = await fetch(`${elsewhere.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'TOKEN_INVALID' } });
    await stop();
  }, 180_000);
});

describe('production mode (issue 2 item 5)', () => {
  it('answers 404 to dev login and the people list', async () => {
    const app = Fastify();
    registerDevLoginRoutes(app, { people: seedPeople, jwtSecret: 'x'.repeat(32), enabled: false });
    const login = await app.inject({
      method: 'POST',
      url: '/auth/dev-login',
      payload: { email: 'emma@wedme.example' },
    });
    expect(login.statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/auth/dev-people' })).statusCode).toBe(404);
    await app.close();
  });

  it('refuses to start without JWT_SECRET or JWKS_URL', () => {
    expect(() => loadAppConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET or JWKS_URL/);
  });

  it('names the variable of a bad value', () => {
    expect(() => loadAppConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });
});
