import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../src/audit/audit-sink.ts';
import { AuditTrail } from '../src/audit/audit-trail.ts';
import { MemoryAuditStore } from '../src/audit/memory-audit-store.ts';
import { Harness, signToken } from './engine-harness.ts';

const harness = new Harness();
const trails: AuditTrail[] = [];
afterEach(async () => {
  await harness.dispose();
  await Promise.all(trails.splice(0).map((trail) => trail.close()));
});

/** A trail over a memory store that flushes every 5 ms, with the topic's first segment as tenant. */
function memoryTrail() {
  const store = new MemoryAuditStore();
  const trail = new AuditTrail({
    store,
    flushIntervalMs: 5,
    tenantOf: ({ topic, scope }) => (topic ?? scope)?.split(':').slice(0, 2).join(':') ?? null,
  });
  trails.push(trail);
  return { store, trail };
}

const matches =
  (kind: AuditEvent['kind'], actor: string, extra: Partial<AuditEvent> = {}) =>
  (event: AuditEvent) =>
    event.kind === kind &&
    event.actor === actor &&
    Object.entries(extra).every(([key, value]) => event[key as keyof AuditEvent] === value);

describe('R14.1 audit trail of connection and channel events', () => {
  it('R14.1 records connect, join, leave and disconnect (with reason) with actor, tenant, topic and node', async () => {
    const { store, trail } = memoryTrail();
    const { wsUrl, server } = await harness.start({ audit: trail });
    const ann = await harness.connect(wsUrl, { token: await signToken('ann') });
    const { joinRef } = await ann.join('realtime:wedding:w1');
    await ann.push('realtime:wedding:w1', 'phx_leave', {}, joinRef);
    ann.close();
    const disconnect = await store.waitFor(matches('disconnect', 'ann'));
    expect(disconnect).toMatchObject({ reason: 'CLIENT_CLOSED', node: server.nodeId, tenant: null });
    const connect = await store.waitFor(matches('connect', 'ann'));
    const join = await store.waitFor(matches('join', 'ann'));
    const leave = await store.waitFor(matches('leave', 'ann'));
    expect(join).toMatchObject({ topic: 'wedding:w1', tenant: 'wedding:w1', node: server.nodeId });
    expect(leave).toMatchObject({ topic: 'wedding:w1', tenant: 'wedding:w1', reason: 'leave' });
    expect(connect.sessionId).toBe(join.sessionId);
    expect(connect.atMs).toBeLessThanOrEqual(disconnect.atMs);
    // The trail's counters are on the server's registry (GET /metrics).
    expect(await server.metrics.getSingleMetricAsString('realtime_audit_dropped_total')).toMatch(/ 0$/m);
  });

  it('R14.1 records a refused join with its code, and a disconnect the server caused with its reason', async () => {
    const { store, trail } = memoryTrail();
    const { wsUrl, server } = await harness.start({
      audit: trail,
      hooks: {
        authorizeJoin: ({ topic }) =>
          topic.startsWith('supplier:') ? { ok: false, code: 'FORBIDDEN', message: 'not your team' } : true,
      },
    });
    const bob = await harness.connect(wsUrl, { token: await signToken('bob') });
    const reply = await bob.join('realtime:supplier:s9');
    expect(reply.payload.status).toBe('error');
    const refused = await store.waitFor(matches('join_refused', 'bob'));
    expect(refused).toMatchObject({ topic: 'supplier:s9', tenant: 'supplier:s9', code: 'FORBIDDEN' });
    await server.close();
    const disconnect = await store.waitFor(matches('disconnect', 'bob'));
    expect(disconnect).toMatchObject({ reason: 'SERVER_SHUTTING_DOWN' });
  });

  it('R14.1 records token refresh and rights revoked (with the leave it caused)', async () => {
    const { store, trail } = memoryTrail();
    const { wsUrl, server } = await harness.start({ audit: trail });
    const cat = await harness.connect(wsUrl, { token: await signToken('cat') });
    const { joinRef } = await cat.join('realtime:wedding:w2');
    const refreshed = await cat.push(
      'realtime:wedding:w2',
      'access_token',
      { access_token: await signToken('cat', { expiresInSec: 7200 }) },
      joinRef,
    );
    expect(refreshed.payload.status).toBe('ok');
    expect(await store.waitFor(matches('token_refresh', 'cat'))).toMatchObject({
      topic: 'wedding:w2',
      tenant: 'wedding:w2',
    });
    await server.revokeUser('cat', 'wedding:w2');
    expect(await store.waitFor(matches('rights_revoked', 'cat'))).toMatchObject({
      topic: 'wedding:w2',
      code: 'RIGHTS_REVOKED',
    });
    expect(await store.waitFor(matches('leave', 'cat'))).toMatchObject({ reason: 'revoked' });
  });

  it('R14.1 records a rate limit hit once per second per session, not once per refused frame', async () => {
    const { store, trail } = memoryTrail();
    const frozenNowMs = Date.now();
    const { wsUrl } = await harness.start({
      audit: trail,
      rateLimit: { points: 2, durationMs: 60_000 },
      nowMs: () => frozenNowMs,
    });
    const dan = await harness.connect(wsUrl, { token: await signToken('dan') });
    const { joinRef } = await dan.join('realtime:wedding:w3', { config: { broadcast: { ack: true } } });
    const codes: string[] = [];
    for (let index = 0; index < 5; index++) {
      const reply = await dan.push('realtime:wedding:w3', 'broadcast', { type: 'broadcast', event: 'e' }, joinRef);
      codes.push(reply.payload.status);
    }
    expect(codes.filter((status) => status === 'error')).toHaveLength(4);
    const limited = await store.waitFor(matches('rate_limited', 'dan'));
    expect(limited).toMatchObject({ topic: 'wedding:w3', tenant: 'wedding:w3', code: 'RATE_LIMITED' });
    await trail.flush();
    expect(store.all(matches('rate_limited', 'dan'))).toHaveLength(1);
  });
});
