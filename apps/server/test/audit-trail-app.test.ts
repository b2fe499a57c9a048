import type { AuditEntry, AuditPage, MutationResult } from '@wedsync/protocol';
import { fieldIdOf } from '@wedsync/wedding';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signTestToken } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { type ApiWorld, startApiWorld } from './api-fixture.ts';

const WEDDING = 'wedding:w-emma-james';
const LENSLIGHT = 'supplier:lenslight';
const VENUE = fieldIdOf('weddings', 'venue');
const DATE = fieldIdOf('weddings', 'date');

// Issue 10 item 1 on the app: every kind of sync event lands in the trail under the right actor and
// wedding tenant, and the audit API shows a tenant only to its owner/admin or its couple.
describe('audit trail in the app (R14.1)', () => {
  let world: ApiWorld;

  beforeAll(async () => {
    world = await startApiWorld();
  }, 180_000);
  afterAll(() => world?.close());

  const trail = async (userId: string, query: string) => {
    const response = await world.as(userId).get<AuditPage>(`/api/audit?limit=1000&${query}`);
    expect(response.status, response.text).toBe(200);
    return response.body.entries;
  };
  const find = (entries: AuditEntry[], kind: AuditEntry['kind'], actor: string) =>
    entries.filter((entry) => entry.kind === kind && entry.actor === actor);

  it('R14.1 records the couple’s, the suppliers’ and strangers’ sync events under the right actor and tenant', async () => {
    const emma = await world.connect('u-emma');
    const james = await world.connect('u-james');
    const noah = await world.connect('u-noah');
    await emma.join(WEDDING);
    await james.join(WEDDING);
    const refused = await noah.request(WEDDING, 'phx_join', {});
    expect(refused.status).toBe('error');

    const base = (await world.server.storage.getRecord('weddings', 'w-emma-james'))!.v;
    const venue = await emma.mutate(WEDDING, 'emma-tab', [
      { mid: 1, c: 'weddings', id: 'w-emma-james', base, ops: [{ k: 'set', f: VENUE, v: 'Audit Barn' }] },
    ]);
    expect(venue.response.results[0]?.status).toBe('applied');
    // R4.2 manual field: James edits the date against the version Emma has since changed.
    const emmaDate = await emma.mutate(WEDDING, 'emma-tab', [
      { mid: 2, c: 'weddings', id: 'w-emma-james', base: base + 1, ops: [{ k: 'set', f: DATE, v: '2027-05-01' }] },
    ]);
    const dateV = (emmaDate.response.results[0] as Extract<MutationResult, { status: 'applied' }>).v;
    const clash = await james.mutate(WEDDING, 'james-tab', [
      { mid: 1, c: 'weddings', id: 'w-emma-james', base, ops: [{ k: 'set', f: DATE, v: '2027-06-01' }] },
    ]);
    expect(clash.response.results[0]?.status).toBe('conflict');
    await james.mutate(WEDDING, 'james-tab', [
      { mid: 2, c: 'weddings', id: 'w-emma-james', base: dateV, ops: [{ k: 'set', f: DATE, v: '2027-06-01' }] },
    ]);
    const lock = { action: 'acquire', c: 'weddings', id: 'w-emma-james', f: VENUE };
    expect((await emma.request(WEDDING, 'lock', lock)).status).toBe('ok');
    expect((await james.request(WEDDING, 'lock', lock)).status).toBe('error');
    await emma.request(WEDDING, 'lock', { ...lock, action: 'release' });
    const rollback = await emma.request(WEDDING, 'rollback', { c: 'weddings', id: 'w-emma-james', to: base });
    expect(rollback.status, JSON.stringify(rollback.response)).toBe('ok');
    const refreshed = await emma.request(WEDDING, 'access_token', { access_token: await signTestToken('u-emma') });
    expect(refreshed.status).toBe('ok');
    // R14.1 rate limit (100 per second by default): a burst from James.
    for (let index = 0; index < 150; index++) james.send(WEDDING, 'no_such_event', {});
    await james.waitFor((frame) => JSON.stringify(frame.payload).includes('RATE_LIMITED'));
    await emma.leave(WEDDING);
    await emma.close();

    const bob = await world.connect('u-bob');
    const vera = await world.connect('u-vera');
    await bob.join(LENSLIGHT);
    await vera.join(LENSLIGHT);
    const readOnly = await vera.mutate(LENSLIGHT, 'vera-tab', [
      { mid: 1, c: 'notes', id: 'audit-note', base: 0, ops: [{ k: 'set', f: 1, v: 'x' }] },
    ]);
    expect(readOnly.response.results[0]?.status).toBe('rejected');
    await world.server.realtime.revokeUser('u-bob', LENSLIGHT);
    await bob.waitFor((frame) => frame.event === 'phx_close');

    const wedding = await trail('u-emma', `tenant=${WEDDING}`);
    for (const [kind, actor] of [
      ['join', 'u-emma'],
      ['join_refused', 'u-noah'],
      ['mutation_applied', 'u-emma'],
      ['conflict_raised', 'u-james'],
      ['conflict_resolved', 'u-james'],
      ['lock_taken', 'u-emma'],
      ['lock_refused', 'u-james'],
      ['rollback', 'u-emma'],
      ['token_refresh', 'u-emma'],
      ['rate_limited', 'u-james'],
      ['leave', 'u-emma'],
    ] as const) {
      const found = find(wedding, kind, actor);
      expect(found.length, `${kind} by ${actor}`).toBeGreaterThan(0);
      // Applied changes are copied from the change log (atomic with the change), the rest from the node.
      const node = kind === 'mutation_applied' || kind === 'rollback' ? 'log' : world.server.realtime.nodeId;
      expect(found[0]).toMatchObject({ tenant: WEDDING, node });
    }
    expect(find(wedding, 'join_refused', 'u-noah')[0]).toMatchObject({ code: 'FORBIDDEN', topic: WEDDING });
    expect(find(wedding, 'lock_refused', 'u-james')[0]).toMatchObject({ code: 'FIELD_LOCKED', c: 'weddings' });
    // Connection-level events of the couple's partners carry no tenant and show in their wedding's trail.
    expect(find(wedding, 'connect', 'u-emma')[0]).toMatchObject({ tenant: null });
    expect(find(wedding, 'disconnect', 'u-emma')[0]).toMatchObject({ tenant: null, reason: 'CLIENT_CLOSED' });
    expect(wedding.every((entry) => entry.tenant === WEDDING || entry.tenant === null)).toBe(true);
    expect(
      wedding.filter((entry) => entry.tenant === null).every((entry) => /^u-(emma|james)$/.test(entry.actor!)),
    ).toBe(true);

    const supplier = await trail('u-sarah', `tenant=${LENSLIGHT}`);
    expect(find(supplier, 'join', 'u-bob')[0]).toMatchObject({ tenant: LENSLIGHT, topic: LENSLIGHT });
    expect(find(supplier, 'rights_revoked', 'u-bob')[0]).toMatchObject({ code: 'RIGHTS_REVOKED' });
    expect(find(supplier, 'mutation_refused', 'u-vera')[0]).toMatchObject({ tenant: LENSLIGHT, c: 'notes' });
    expect(supplier.some((entry) => JSON.stringify(entry).includes('emma'))).toBe(false);
  });

  it('R14.1 R14.2 tenant isolation: only a supplier’s owner/admin or the wedding’s couple read a trail', async () => {
    expect((await world.as('u-sarah').get('/api/audit/tenants')).body).toEqual({ tenants: [LENSLIGHT] });
    expect((await world.as('u-emma').get('/api/audit/tenants')).body).toEqual({ tenants: [WEDDING] });
    for (const [userId, tenant] of [
      ['u-noah', WEDDING],
      ['u-sarah', WEDDING],
      ['u-sarah', 'supplier:feast'],
      ['u-bob', LENSLIGHT],
      ['u-vera', LENSLIGHT],
      ['u-priya', WEDDING],
    ] as const) {
      const response = await world.as(userId).get(`/api/audit?tenant=${tenant}`);
      expect(response.status, `${userId} reading ${tenant}`).toBe(403);
      expect(response.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
      expect(response.text).not.toMatch(/"entries"/);
    }
    const noah = await world.as('u-noah').get<AuditPage>('/api/audit');
    expect(noah.status).toBe(200);
    expect(noah.body.tenant).toBe('supplier:bloom');
    expect(noah.text).not.toMatch(/emma|james|w-emma/i);
    expect((await world.as('u-bob').get('/api/audit')).status).toBe(403);
  });

  it('R14.1 R14.2 a team member’s connection shows in the supplier’s trail only if it worked there', async () => {
    const sessionsOf = async (userId: string) => {
      await world.server.audit.catchUp();
      const mine = await world.server.audit.store.forActor(userId, 0);
      return new Set(mine.filter((entry) => entry.kind === 'connect').map((entry) => entry.sessionId));
    };
    const before = await sessionsOf('u-bob');
    // Bob's evening connection only reads his own notifications (`user:u-bob`, no tenant) …
    const evening = await world.connect('u-bob');
    await evening.join('user:u-bob');
    await evening.close();
    // … his working connection joins the studio.
    const working = await world.connect('u-bob');
    await working.join(LENSLIGHT);
    await working.close();
    const [eveningSession, workingSession] = [...(await sessionsOf('u-bob'))].filter((id) => !before.has(id));
    expect(eveningSession).toBeDefined();
    expect(workingSession).toBeDefined();
    // The server records a disconnect when it has seen the socket close: wait until the working one's is in.
    await vi.waitFor(
      async () => {
        const supplier = await trail('u-sarah', `tenant=${LENSLIGHT}`);
        const sessions = (kind: AuditEntry['kind']) =>
          new Set(find(supplier, kind, 'u-bob').map((entry) => entry.sessionId));
        for (const kind of ['connect', 'disconnect'] as const) {
          expect(sessions(kind).has(workingSession!), `${kind} of the working connection`).toBe(true);
          expect(sessions(kind).has(eveningSession!), `${kind} of the evening connection`).toBe(false);
        }
      },
      { timeout: 15_000, interval: 100 },
    );
  });

  it('R14.1 validates queries and pages newest first', async () => {
    const bad = await world.as('u-emma').get(`/api/audit?tenant=${WEDDING}&kind=teleport`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const first = await world.as('u-emma').get<AuditPage>(`/api/audit?tenant=${WEDDING}&limit=2`);
    expect(first.body.entries).toHaveLength(2);
    const next = await world
      .as('u-emma')
      .get<AuditPage>(`/api/audit?tenant=${WEDDING}&limit=2&before=${first.body.nextBefore}`);
    expect(Number(next.body.entries[0]!.id)).toBeLessThan(Number(first.body.entries[1]!.id));
    const unauthenticated = await fetch(`${world.server.url}/api/audit`);
    expect(unauthenticated.status).toBe(401);
  });
});
