import type { FieldOp } from '@wedsync/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOps, type CommittedVersion, type Fields, mergeMutation, rebasePending, textValue } from '../src/index.ts';
import { fastCheckSeed } from './fast-check-seed.ts';
import { NOTE, notes } from './note-schema.ts';

/**
 * A model of the whole sync loop: one server merging with `mergeMutation`, several clients that
 * keep one in-flight batch, queue the rest rebased with `rebasePending`, and receive every change
 * in commit order. Every replica must end identical, nothing typed may be lost, and each client's
 * own echo must equal its prediction (so its view never jumps).
 */
interface Change {
  v: number;
  ops: FieldOp[];
  cid: string;
}

interface Client {
  id: string;
  known: Fields;
  knownV: number;
  /** Sent, not yet echoed: ops as the server will commit them once rebased past what arrived since. */
  inflight: FieldOp[][];
  /** Not yet sent; relative to `known` followed by `inflight`. */
  unsent: FieldOp[][];
  inbox: Change[];
  nextMid: number;
  nextItem: number;
}

interface Server {
  fieldsAt: Fields[];
  history: CommittedVersion[];
  queue: { client: Client; mutations: { mid: number; base: number; ops: FieldOp[] }[] }[];
}

const view = (client: Client): Fields =>
  [...client.inflight, ...client.unsent].reduce((fields, ops) => applyOps(notes, fields, ops), client.known);

function edit(client: Client, kind: number, at: number, text: string): void {
  const body = Array.from(textValue(view(client)[NOTE.body], notes, NOTE.body));
  const pos = Math.floor(at * body.length);
  let op: FieldOp;
  if (kind === 0) op = { k: 'text', f: NOTE.body, op: pos > 0 ? [pos, text] : [text] };
  else if (kind === 1 && body.length > pos)
    op = { k: 'text', f: NOTE.body, op: pos > 0 ? [pos, { d: 1 }] : [{ d: 1 }] };
  else if (kind === 2) op = { k: 'add', f: NOTE.tags, id: `${client.id}-${client.nextItem++}`, v: text };
  else op = { k: 'set', f: NOTE.title, v: `${client.id}:${text}` };
  client.unsent.push([op]);
}

function send(client: Client, server: Server): void {
  if (client.inflight.length > 0 || client.unsent.length === 0) return;
  const mutations = client.unsent.map((ops) => ({ mid: client.nextMid++, base: client.knownV, ops }));
  client.inflight = client.unsent;
  client.unsent = [];
  server.queue.push({ client, mutations });
}

function commitNext(server: Server, clients: Client[]): void {
  const batch = server.queue.shift();
  if (!batch) return;
  for (const mutation of batch.mutations) {
    const currentVersion = server.history.length;
    const result = mergeMutation({
      collection: notes,
      currentFields: server.fieldsAt[currentVersion]!,
      currentVersion,
      baseVersion: mutation.base,
      baseFields: server.fieldsAt[mutation.base]!,
      ops: mutation.ops,
      committedSince: server.history.slice(mutation.base),
      clientId: batch.client.id,
      mid: mutation.mid,
    });
    const v = currentVersion + 1;
    server.fieldsAt.push(result.fields);
    server.history.push({
      v,
      ops: result.ops,
      by: batch.client.id,
      atMs: v,
      cid: batch.client.id,
      mid: mutation.mid,
      base: mutation.base,
      submitted: mutation.ops,
    });
    for (const client of clients) client.inbox.push({ v, ops: result.ops, cid: batch.client.id });
  }
}

function deliver(client: Client): void {
  const change = client.inbox.shift();
  if (!change) return;
  client.known = applyOps(notes, client.known, change.ops);
  client.knownV = change.v;
  if (change.cid === client.id) {
    // The server must commit exactly what the client predicted: the echo never moves the view.
    expect(change.ops).toEqual(client.inflight.shift());
  } else {
    const rebased = rebasePending(notes, [...client.inflight, ...client.unsent], [change.ops]);
    client.inflight = rebased.slice(0, client.inflight.length);
    client.unsent = rebased.slice(client.inflight.length);
  }
}

const actionArb = fc.record({
  client: fc.integer({ min: 0, max: 2 }),
  action: fc.integer({ min: 0, max: 3 }),
  kind: fc.integer({ min: 0, max: 3 }),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  text: fc.constantFrom('a', 'b', '😀', 'xy'),
});

describe('server merge + client rebase', () => {
  it('R4.2 R11.2 every replica converges; concurrent text and list appends all survive', () => {
    const seed = fastCheckSeed('sync loop convergence');
    fc.assert(
      fc.property(fc.array(actionArb, { minLength: 1, maxLength: 60 }), (actions) => {
        const server: Server = { fieldsAt: [{ [NOTE.body]: 'hello' }], history: [], queue: [] };
        const clients: Client[] = ['c0', 'c1', 'c2'].map((id) => ({
          id,
          known: { [NOTE.body]: 'hello' },
          knownV: 0,
          inflight: [],
          unsent: [],
          inbox: [],
          nextMid: 1,
          nextItem: 0,
        }));
        let inserted = 0;
        let deleted = 0;
        let added = 0;
        for (const step of actions) {
          const client = clients[step.client]!;
          if (step.action === 0) {
            const before = client.unsent.length;
            edit(client, step.kind, step.at, step.text);
            const op = client.unsent[before]?.[0];
            if (op?.k === 'text') inserted += typeof op.op.at(-1) === 'string' ? Array.from(step.text).length : 0;
            if (op?.k === 'text' && typeof op.op.at(-1) === 'object') deleted++;
            if (op?.k === 'add') added++;
          } else if (step.action === 1) send(client, server);
          else if (step.action === 2) commitNext(server, clients);
          else deliver(client);
        }
        // Drain: send everything, commit everything, deliver everything.
        while (
          clients.some((c) => c.unsent.length + c.inflight.length + c.inbox.length > 0) ||
          server.queue.length > 0
        ) {
          for (const client of clients) send(client, server);
          while (server.queue.length > 0) commitNext(server, clients);
          for (const client of clients) while (client.inbox.length > 0) deliver(client);
        }
        const final = server.fieldsAt[server.history.length]!;
        for (const client of clients) expect(view(client)).toEqual(final);
        expect((final[NOTE.tags] as unknown[] | undefined)?.length ?? 0).toBe(added);
        // Concurrent deletes of one character may coincide, so the length is bounded, not exact.
        const length = Array.from(textValue(final[NOTE.body], notes, NOTE.body)).length;
        expect(length).toBeGreaterThanOrEqual(5 + inserted - deleted);
        expect(length).toBeLessThanOrEqual(5 + inserted);
      }),
      { seed, numRuns: 300 },
    );
  });
});
