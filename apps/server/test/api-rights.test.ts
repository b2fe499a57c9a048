import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ApiCaller, type ApiWorld, startApiWorld } from './api-fixture.ts';

const EMMA_WEDDING = 'w-emma-james';
const PRIYA_WEDDING = 'w-priya-arjun';

const core0 = (response: { body: { wedding: unknown } }) =>
  response.body.wedding as { fields: Record<string, unknown> };

/** Every read endpoint of the wedding API, for one wedding and one supplier. */
function readPaths(weddingId: string, supplierId: string): string[] {
  const lists = ['forms', 'tasks', 'meetings', 'notes', 'messages', 'payments', 'journeys', 'activity', 'sharing'];
  return [
    `/api/weddings/${weddingId}`,
    ...lists.map((list) => `/api/weddings/${weddingId}/${list}`),
    `/api/records?topic=wedding:${weddingId}`,
    `/api/records/weddings/${weddingId}/history`,
    `/api/suppliers/${supplierId}/clients`,
    `/api/suppliers/${supplierId}/client-statuses`,
    `/api/suppliers/${supplierId}/metrics`,
    ...[...lists.filter((l) => l !== 'sharing'), 'team'].map((list) => `/api/suppliers/${supplierId}/${list}`),
  ];
}

/**
 * Issue 4 item 8 acceptance: the HTTP API answers with the rights and projection of the channels
 * (R2.2, R14.2). Noah (Bloom, connected only to Priya & Arjun) gets nothing about Emma's wedding
 * through any endpoint; a supplier a core field is not shared with never sees it anywhere.
 */
describe('R2.2 R14.2 the wedding API under the channel rights', () => {
  let world: ApiWorld;
  let noah: ApiCaller;
  let olivia: ApiCaller;
  let liam: ApiCaller;
  let emma: ApiCaller;

  beforeAll(async () => {
    world = await startApiWorld();
    noah = world.as('u-noah');
    olivia = world.as('u-olivia');
    liam = world.as('u-liam');
    emma = world.as('u-emma');
  }, 120_000);
  afterAll(() => world?.close());

  test('R1.1 every endpoint needs a bearer token', async () => {
    for (const path of readPaths(EMMA_WEDDING, 'feast').concat('/api/search?q=a')) {
      const response = await fetch(`${world.server.url}${path}`);
      expect(response.status, path).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'TOKEN_MISSING' } });
    }
  });

  test('R2.2 Noah is refused every endpoint of Emma’s wedding and of the other suppliers, with FORBIDDEN', async () => {
    for (const supplierId of ['lenslight', 'feast', 'oakwood']) {
      for (const path of readPaths(EMMA_WEDDING, supplierId)) {
        const response = await noah.get(path);
        expect(response.status, path).toBe(403);
        expect(response.body.error.code, path).toBe('FORBIDDEN');
      }
    }
    const put = await noah.put(`/api/weddings/${EMMA_WEDDING}/sharing/bloom`, { guestCount: false });
    expect(put.status).toBe(403);
    const rollback = await noah.post(`/api/records/weddings/${EMMA_WEDDING}/rollback`, { to: 1 });
    expect(rollback.status).toBe(403);
  });

  test('R14.2 nothing Noah may read through the API mentions Emma, James or their wedding', async () => {
    const bodies: string[] = [];
    for (const path of readPaths(PRIYA_WEDDING, 'bloom')) {
      const response = await noah.get(path);
      expect(response.status, path).toBe(200);
      bodies.push(response.text);
    }
    for (const q of ['Emma', 'James', 'Oakwood', 'a', 'e', '1']) {
      const response = await noah.get(`/api/search?q=${encodeURIComponent(q)}&limit=100`);
      expect(response.status).toBe(200);
      // The answer echoes the query itself; only the hits are data.
      bodies.push(JSON.stringify(response.body.hits));
    }
    bodies.push((await noah.get('/api/records?topic=supplier:bloom')).text);
    for (const topic of ['couple:c-emma-james', 'supplier:lenslight:clients', 'form:f-feast-menu']) {
      expect((await noah.get(`/api/records?topic=${topic}`)).status, topic).toBe(403);
    }
    const all = bodies.join('\n');
    expect(all).toContain('Priya');
    expect(all).not.toMatch(/emma|james|w-emma/i);
    const clients = JSON.parse(bodies[readPaths(PRIYA_WEDDING, 'bloom').indexOf('/api/suppliers/bloom/clients')]!);
    expect(clients.clients.map((c: { weddingId: string }) => c.weddingId)).toEqual([PRIYA_WEDDING]);
  });

  test('R14.1 R14.2 the audit and analytics APIs: Noah reads Bloom’s trail only — never Emma’s wedding or another supplier’s', async () => {
    // Emma's sync events are in the trail (her own read proves it), so their absence below is real.
    const emmaWs = await world.connect('u-emma');
    await emmaWs.join(`wedding:${EMMA_WEDDING}`);
    await emmaWs.leave(`wedding:${EMMA_WEDDING}`);
    const noahWs = await world.connect('u-noah');
    await noahWs.join('supplier:bloom');
    const emmaTrail = await emma.get(`/api/audit?tenant=wedding:${EMMA_WEDDING}&limit=1000`);
    expect(emmaTrail.status).toBe(200);
    expect(emmaTrail.body.entries).toContainEqual(expect.objectContaining({ kind: 'join', actor: 'u-emma' }));

    for (const tenant of [`wedding:${EMMA_WEDDING}`, 'supplier:lenslight', 'supplier:feast', 'supplier:oakwood']) {
      for (const path of [`/api/audit?tenant=${tenant}`, `/api/analytics?tenant=${tenant}`]) {
        const response = await noah.get(path);
        expect(response.status, path).toBe(403);
        expect(response.body.error.code, path).toBe('FORBIDDEN');
        expect(response.text, path).not.toMatch(/"entries"|"points"/);
      }
    }
    expect((await noah.get('/api/audit/tenants')).body).toEqual({ tenants: ['supplier:bloom'] });
    const bodies: string[] = [];
    for (const path of ['/api/audit?limit=1000', '/api/audit?tenant=supplier:bloom&limit=1000']) {
      const response = await noah.get(path);
      expect(response.status, path).toBe(200);
      expect(response.body.tenant, path).toBe('supplier:bloom');
      expect(response.body.entries, path).toContainEqual(
        expect.objectContaining({ kind: 'join', actor: 'u-noah', topic: 'supplier:bloom' }),
      );
      bodies.push(response.text);
    }
    for (const tenant of ['supplier:bloom', '*']) {
      const response = await noah.get(`/api/analytics?tenant=${encodeURIComponent(tenant)}`);
      expect(response.status, tenant).toBe(200);
      bodies.push(response.text);
    }
    expect(bodies.join('\n')).not.toMatch(/emma|james|w-emma/i);
    await Promise.all([emmaWs.close(), noahWs.close()]);
  });

  test('R14.2 Oakwood (contact not shared, seeded) never sees Emma’s contact details through any endpoint', async () => {
    const bodies: string[] = [];
    for (const path of readPaths(EMMA_WEDDING, 'oakwood')) {
      const response = await liam.get(path);
      expect(response.status, path).toBe(200);
      bodies.push(response.text);
    }
    for (const q of ['7700', 'emma@', 'wedme.example', '+44']) {
      const search = await liam.get(`/api/search?q=${encodeURIComponent(q)}`);
      expect(search.body.hits, q).toEqual([]);
    }
    const all = bodies.join('\n');
    expect(all).toContain('Oakwood Hall');
    expect(all).not.toContain('900123');
    expect(all).not.toContain('emma@wedme');
    const lists = [core0(await liam.get(`/api/weddings/${EMMA_WEDDING}`))];
    lists.push(
      ...(await liam.get(`/api/suppliers/oakwood/clients`)).body.clients.map((c: { wedding: unknown }) => c.wedding),
    );
    lists.push(...(await liam.get(`/api/records?topic=wedding:${EMMA_WEDDING}&c=weddings`)).body.records);
    lists.push(...(await liam.get(`/api/records/weddings/${EMMA_WEDDING}/history`)).body.entries);
    for (const record of lists) expect(Object.keys(record.fields)).not.toContain('contact');
    const core = await liam.get(`/api/weddings/${EMMA_WEDDING}`);
    expect(core.body.sharedFields).toEqual(['date', 'venue', 'guestCount', 'timeline']);
  });

  test('R14.2 with the guest count unshared, Feast never sees it through any endpoint; re-sharing brings it back', async () => {
    const unshare = await emma.put(`/api/weddings/${EMMA_WEDDING}/sharing/feast`, { guestCount: false });
    expect(unshare.status).toBe(200);
    expect(unshare.body.sharing.fields.guestCount).toBe(false);
    // A later change of the guest count must not reach Feast either (not even in activity or history).
    await world.write('u-james', `wedding:${EMMA_WEDDING}`, 'weddings', EMMA_WEDDING, { guestCount: 163 });
    const bodies: string[] = [];
    for (const path of readPaths(EMMA_WEDDING, 'feast')) {
      const response = await olivia.get(path);
      expect(response.status, path).toBe(200);
      bodies.push(response.text);
    }
    expect((await olivia.get('/api/search?q=163')).body.hits).toEqual([]);
    const all = bodies.join('\n');
    // As a number of its own: "163" inside a millisecond timestamp (e.g. 1795709516352) is not the guest count.
    expect(all).not.toMatch(/(?<!\d)163(?!\d)/);
    // "Guest count" is a label of Feast's own menu form; the activity never speaks of the couple's.
    for (const path of [`/api/weddings/${EMMA_WEDDING}/activity`, '/api/suppliers/feast/activity']) {
      const texts = (await olivia.get(path)).body.items.map((item: { text: string }) => item.text);
      expect(texts.length, path).toBeGreaterThan(0);
      expect(texts.join(' '), path).not.toMatch(/guest count/i);
    }
    const core = await olivia.get(`/api/weddings/${EMMA_WEDDING}`);
    expect(core.body.sharedFields).not.toContain('guestCount');
    const records = [core0(core)];
    records.push(
      ...(await olivia.get(`/api/suppliers/feast/clients`)).body.clients.map((c: { wedding: unknown }) => c.wedding),
    );
    records.push(...(await olivia.get(`/api/records?topic=supplier:feast:clients&c=weddings`)).body.records);
    const history = await olivia.get(`/api/records/weddings/${EMMA_WEDDING}/history?limit=200`);
    expect(history.body.entries.length).toBeGreaterThan(0);
    for (const entry of history.body.entries) expect(entry.changed).not.toContain('guestCount');
    records.push(...history.body.entries);
    for (const record of records) expect(Object.keys(record.fields)).not.toContain('guestCount');

    const reshare = await emma.put(`/api/weddings/${EMMA_WEDDING}/sharing/feast`, { guestCount: true });
    expect(reshare.status).toBe(200);
    const again = await olivia.get(`/api/weddings/${EMMA_WEDDING}`);
    expect(again.body.wedding.fields.guestCount).toBe(163);
  });

  test('R2.2 only the couple changes sharing; bad bodies are refused with VALIDATION_FAILED', async () => {
    const byOlivia = await olivia.put(`/api/weddings/${EMMA_WEDDING}/sharing/feast`, { guestCount: true });
    expect(byOlivia.status).toBe(403);
    expect(byOlivia.body.error.code).toBe('FORBIDDEN');
    for (const body of [{}, { guestCount: 'no' }, { shoeSize: false }]) {
      const response = await emma.put(`/api/weddings/${EMMA_WEDDING}/sharing/feast`, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    }
    const forOtherWedding = await emma.put(`/api/weddings/${PRIYA_WEDDING}/sharing/bloom`, { guestCount: false });
    expect(forOtherWedding.status).toBe(403);
  });
});
