import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Harness, signToken } from './engine-harness.ts';

const harness = new Harness();
afterEach(() => harness.dispose());

describe('R16.1 health and metrics endpoints', () => {
  it("R16.1 GET /healthz reports node, connections, bus and the app's checks; a failing check gives 503", async () => {
    let storageOk = true;
    const { url, wsUrl, server } = await harness.start({
      healthChecks: { storage: () => ({ ok: storageOk, detail: storageOk ? undefined : 'down' }) },
    });
    await harness.connect(wsUrl, { token: await signToken('ann') });
    const healthy = await fetch(`${url}/healthz`);
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toEqual({
      ok: true,
      nodeId: server.nodeId,
      connections: 1,
      bus: { ok: true },
      checks: { storage: { ok: true } },
    });
    storageOk = false;
    const sick = await fetch(`${url}/healthz`);
    expect(sick.status).toBe(503);
    expect((await sick.json()).checks.storage).toEqual({ ok: false, detail: 'down' });
  });

  it("R16.1 GET /metrics serves this server's own registry", async () => {
    const first = await harness.start();
    const second = await harness.start();
    const client = await harness.connect(first.wsUrl, { token: await signToken('ann') });
    await client.join('realtime:room');
    const text = await (await fetch(`${first.url}/metrics`)).text();
    expect(text).toMatch(/^realtime_connections\{node="[^"]+"\} 1$/m);
    expect(text).toMatch(/^realtime_channels\{node="[^"]+"\} 1$/m);
    expect(text).toMatch(/^realtime_messages_in_total\{node="[^"]+"\} 1$/m);
    // At least the join's phx_reply went out; the abuse counters are exported from the start (their
    // increments are asserted in heartbeat, channel-join and rate-limit tests).
    expect(text).toMatch(/^realtime_messages_out_total\{node="[^"]+"\} [1-9]\d*$/m);
    for (const name of [
      'realtime_heartbeat_timeouts_total',
      'realtime_joins_refused_total',
      'realtime_rate_limited_total',
    ])
      expect(text).toContain(`# TYPE ${name} counter`);
    const other = await (await fetch(`${second.url}/metrics`)).text();
    expect(other).toMatch(/^realtime_connections\{node="[^"]+"\} 0$/m);
  });

  it('R1.1 an unknown WebSocket path gets HTTP 404 before the upgrade', async () => {
    const { url } = await harness.start();
    const socket = new WebSocket(`${url.replace('http', 'ws')}/nope/websocket`);
    socket.on('error', () => {});
    const status = await new Promise<number | undefined>((resolve) =>
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode)),
    );
    expect(status).toBe(404);
    socket.terminate();
  });
});

describe('R3 HTTP broadcast API (Supabase /api/broadcast)', () => {
  it('R3 POST /api/broadcast with a bearer token reaches WebSocket members (both path prefixes) with 202', async () => {
    const { url, wsUrl } = await harness.start();
    const member = await harness.connect(wsUrl, { token: await signToken('ann') });
    await member.join('realtime:room');
    const token = await signToken('server-job');
    const first = member.waitForEvent('realtime:room', 'broadcast');
    const response = await fetch(`${url}/api/broadcast`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ topic: 'room', event: 'notice', payload: { a: 1 }, private: false }] }),
    });
    expect(response.status).toBe(202);
    expect((await first).payload).toEqual({ type: 'broadcast', event: 'notice', payload: { a: 1 } });

    const second = member.waitForEvent('realtime:room', 'broadcast');
    const single = await fetch(
      `${url}/realtime/v1/api/broadcast/${encodeURIComponent('room')}/events/ping?apikey=${token}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ via: 'http' }),
      },
    );
    expect(single.status).toBe(202);
    expect((await second).payload).toEqual({ type: 'broadcast', event: 'ping', payload: { via: 'http' } });
  });

  it('R14.1 refuses HTTP broadcasts without a token (401) or denied by authorizeMessage (403)', async () => {
    const { url } = await harness.start({
      hooks: {
        authorizeMessage: (ctx) =>
          ctx.topic === 'open' ? true : { ok: false, code: 'FORBIDDEN', message: 'not yours' },
      },
    });
    const body = (topic: string) => JSON.stringify({ messages: [{ topic, event: 'e', payload: {} }] });
    const anonymous = await fetch(`${url}/api/broadcast`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body('open'),
    });
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error).toMatch(/^TOKEN_MISSING: /);
    const headers = { authorization: `Bearer ${await signToken('ann')}`, 'content-type': 'application/json' };
    const denied = await fetch(`${url}/api/broadcast`, { method: 'POST', headers, body: body('closed') });
    expect(denied.status).toBe(403);
    expect((await denied.json()).error).toBe('FORBIDDEN: not yours');
    const malformed = await fetch(`${url}/api/broadcast`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ messages: 'x' }),
    });
    expect(malformed.status).toBe(400);
  });
});
