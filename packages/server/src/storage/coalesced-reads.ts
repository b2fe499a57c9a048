/**
 * Shares storage reads between callers that ask for the same thing at once (issue 9: thousands of
 * channels resuming in a reconnect storm), without ever handing a caller a result older than its call.
 *
 * Contract: every caller gets the result of a read of its key that **began after it called**. So a
 * caller arriving while a read of its key is in flight does not join it (that read may have missed
 * what the caller must see); it joins the one follow-up read queued behind it, which starts when the
 * in-flight read settles and is shared by every caller that arrived meanwhile. Per key, at most one
 * read runs and one waits: N callers at once cost about two reads per key instead of N.
 * A rejection goes to the callers of that read only; the next call reads again.
 */
export class CoalescedReads<T> {
  /** Per key with a read running: the callers waiting for the follow-up read, if any arrived. */
  private readonly keys = new Map<string, { queued: Deferred<T> | undefined }>();

  constructor(private readonly read: (key: string) => Promise<T>) {}

  get(key = ''): Promise<T> {
    const state = this.keys.get(key);
    if (!state) {
      const fresh = { queued: undefined };
      this.keys.set(key, fresh);
      return this.run(key, fresh);
    }
    state.queued ??= deferred<T>();
    return state.queued.promise;
  }

  /** Keys with a read running (for tests and diagnostics). */
  get size(): number {
    return this.keys.size;
  }

  private run(key: string, state: { queued: Deferred<T> | undefined }): Promise<T> {
    const reading = this.read(key);
    const settled = () => {
      const next = state.queued;
      state.queued = undefined;
      if (!next) {
        this.keys.delete(key);
        return;
      }
      this.run(key, state).then(next.resolve, next.reject);
    };
    reading.then(settled, settled);
    return reading;
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}
