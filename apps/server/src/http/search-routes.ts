import type { AppliedChange } from '@wedsync/wedding';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError, answer } from './api-errors.ts';
import { type SearchResult, searchRecords } from './record-search.ts';
import type { WeddingApiContext } from './topic-records.ts';

const searchQuery = z.object({
  q: z.string().trim().min(1).max(200),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  etag: z.string().min(1).max(64).optional(),
  waitMs: z.coerce.number().int().min(0).max(30_000).default(0),
});

/** Collections whose changes can change what a person may see (so any search of theirs). */
const RIGHTS_COLLECTIONS = new Set(['team_members', 'connections', 'sharing', 'couples', 'form_assignments']);

export interface SearchLimits {
  /** Held searches per person; default 4. */
  maxWaitingPerUser?: number;
  /** Held searches per node; default 1 000. */
  maxWaiting?: number;
}

/**
 * `GET /api/search?q=&limit=&etag=&waitMs=` — search with live-updating results (R13 scenario 11):
 * answers `{ query, hits, etag, changed }` at once; with the `etag` of the hits the client shows and
 * `waitMs` (≤ 30 000), the request is held until the hits differ from that etag (a change the caller
 * may see was committed anywhere: this node's Directory follows the whole log) or the time is up,
 * then answers the fresh hits (`changed: false` on timeout). A client keeps one such request open
 * per search box, re-issuing it with the new etag; nothing is polled while nothing changes.
 */
export function registerSearchRoutes(app: FastifyInstance, ctx: WeddingApiContext, limits: SearchLimits = {}): void {
  const waitingByUser = new Map<string, number>();
  let waiting = 0;

  app.get('/api/search', async (request, reply) => {
    const user = await ctx.authenticate(request, reply);
    if (!user) return reply;
    return answer(reply, async () => {
      const query = searchQuery.safeParse(request.query);
      if (!query.success) {
        throw new ApiError('VALIDATION_FAILED', 'q= is required (1–200 characters); limit 1–100; waitMs 0–30000');
      }
      const { q, limit, etag, waitMs } = query.data;
      const first = await searchRecords(ctx, user.id, q, limit);
      if (etag === undefined || etag !== first.etag || waitMs === 0) return view(first, etag !== first.etag);
      const mine = waitingByUser.get(user.id) ?? 0;
      if (mine >= (limits.maxWaitingPerUser ?? 4) || waiting >= (limits.maxWaiting ?? 1_000)) {
        throw new ApiError('RATE_LIMITED', 'Too many live searches open; close one first');
      }
      waitingByUser.set(user.id, mine + 1);
      waiting++;
      try {
        const closed = new Promise<void>((resolve) => reply.raw.once('close', () => resolve()));
        const next = await waitForChange(ctx, user.id, q, limit, first, waitMs, closed);
        return view(next, next.etag !== etag);
      } finally {
        waiting--;
        const left = (waitingByUser.get(user.id) ?? 1) - 1;
        if (left > 0) waitingByUser.set(user.id, left);
        else waitingByUser.delete(user.id);
      }
    });
  });
}

function view(result: SearchResult, changed: boolean) {
  return { query: result.query, hits: result.hits, etag: result.etag, changed };
}

/**
 * Re-runs the search after changes that may affect it (in a scope it read, or of rights), at most
 * once per event-loop turn, until the etag differs, `waitMs` passes or the client goes away.
 */
function waitForChange(
  ctx: WeddingApiContext,
  userId: string,
  q: string,
  limit: number,
  initial: SearchResult,
  waitMs: number,
  closed: Promise<void>,
): Promise<SearchResult> {
  return new Promise<SearchResult>((resolve, reject) => {
    let current = initial;
    let scheduled = false;
    let running = false;
    let again = false;
    let done = false;
    const finish = (result: SearchResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      resolve(result);
    };
    const rerun = async () => {
      scheduled = false;
      if (done) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        current = await searchRecords(ctx, userId, q, limit);
        if (current.etag !== initial.etag) finish(current);
      } catch (error) {
        done = true;
        clearTimeout(timer);
        unsubscribe();
        reject(error);
      } finally {
        running = false;
        if (again && !done) {
          again = false;
          void rerun();
        }
      }
    };
    const relevant = (applied: AppliedChange) =>
      current.scopes.includes(applied.after.scope) || RIGHTS_COLLECTIONS.has(applied.change.c);
    const unsubscribe = ctx.model.directory.onApplied((applied) => {
      if (done || scheduled || !relevant(applied)) return;
      scheduled = true;
      setImmediate(() => void rerun());
    });
    const timer = setTimeout(() => finish(current), waitMs);
    void closed.then(() => finish(current));
  });
}
