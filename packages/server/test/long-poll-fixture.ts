import type { LongPollMessage } from '@wedsync/protocol';
import type { Received } from './engine-harness.ts';

/** A raw HTTP answer of the long-poll endpoint. */
export interface LpAnswer {
  httpStatus: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests assert answers structurally
  body: any;
}

export async function lpRequest(
  url: string,
  init: { method?: string; body?: string; origin?: string; contentType?: string; signal?: AbortSignal } = {},
): Promise<LpAnswer> {
  const headers: Record<string, string> = {};
  if (init.origin) headers.origin = init.origin;
  if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'text/plain';
  const response = await fetch(url, { method: init.method ?? 'GET', body: init.body, headers, signal: init.signal });
  const text = await response.text();
  return { httpStatus: response.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * A minimal Phoenix V2 client over the long-poll transport, written from the protocol doc (not the
 * SDK): open, a poll loop that acknowledges batches, POSTed frames; it records every frame.
 */
export class LpClient {
  readonly frames: Received[] = [];
  readonly batches: number[] = [];
  closeStatus: { status: number; reason: string } | undefined;
  private ack = 0;
  private refCounter = 0;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private abort = new AbortController();
  private waiters: Array<{ match: (frame: Received) => boolean; resolve: (frame: Received) => void }> = [];

  private constructor(
    readonly base: string,
    readonly token: string,
  ) {}

  static async open(httpUrl: string, jwt: string, path = '/realtime/v1/longpoll'): Promise<LpClient> {
    const answer = await lpRequest(`${httpUrl}${path}?vsn=2.0.0&apikey=${jwt}`);
    if (answer.body?.status !== 410) throw new Error(`open failed: ${JSON.stringify(answer)}`);
    return new LpClient(`${httpUrl}${path}`, answer.body.token);
  }

  url(extra = ''): string {
    return `${this.base}?token=${encodeURIComponent(this.token)}${extra}`;
  }

  /** One poll acknowledging `ack` (default: the last batch received). */
  poll(ack = this.ack, signal?: AbortSignal): Promise<LpAnswer> {
    return lpRequest(this.url(`&ack=${ack}`), { signal });
  }

  /** Polls in a loop until the session ends or `stop()`; frames land in `frames`. */
  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let answer: LpAnswer;
        try {
          answer = await this.poll(this.ack, this.abort.signal);
        } catch {
          return;
        }
        const body = answer.body;
        if (body.status === 200) {
          if (body.batch > this.ack) {
            this.ack = body.batch;
            this.batches.push(body.batch);
            for (const message of body.messages as LongPollMessage[]) this.receive(message);
          }
        } else if (body.status >= 1000) {
          this.closeStatus = body;
          this.running = false;
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop;
    this.abort = new AbortController();
  }

  /** Stops polling and ends the session on the server (DELETE); a server already closed is fine. */
  async end(): Promise<void> {
    await this.stop();
    await lpRequest(this.url(), { method: 'DELETE' }).catch(() => undefined);
  }

  send(...frames: unknown[][]): Promise<LpAnswer> {
    return lpRequest(this.url(), { method: 'POST', body: frames.map((frame) => JSON.stringify(frame)).join('\n') });
  }

  nextRef(): string {
    return String(++this.refCounter);
  }

  async push(topic: string, event: string, payload: unknown, joinRef: string | null = null): Promise<Received> {
    const ref = this.nextRef();
    const reply = this.waitFor((frame) => frame.event === 'phx_reply' && frame.ref === ref && frame.topic === topic);
    await this.send([joinRef, ref, topic, event, payload]);
    return reply;
  }

  async join(topic: string, payload: Record<string, unknown> = {}): Promise<Received> {
    const ref = this.nextRef();
    const reply = this.waitFor((frame) => frame.event === 'phx_reply' && frame.ref === ref);
    await this.send([ref, ref, topic, 'phx_join', payload]);
    return reply;
  }

  waitFor(match: (frame: Received) => boolean, timeoutMs = 5_000): Promise<Received> {
    const found = this.frames.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out; got ${JSON.stringify(this.frames.slice(-5))}`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  private receive(message: LongPollMessage): void {
    if (typeof message !== 'string') return;
    const [joinRef, ref, topic, event, payload] = JSON.parse(message);
    const frame: Received = { joinRef, ref, topic, event, payload };
    this.frames.push(frame);
    for (const waiter of [...this.waiters]) {
      if (!waiter.match(frame)) continue;
      this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
      waiter.resolve(frame);
    }
  }
}
