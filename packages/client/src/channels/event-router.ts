import { EVENTS, type Frame } from '@wedsync/protocol';
import type { BroadcastHandler, FrameHandler } from './channel-options.ts';

/** A channel's app handlers: by wire event (`'*'` = all) and, for broadcasts, by user event. */
export class EventRouter {
  private readonly handlers = new Map<string, Set<FrameHandler>>();
  private readonly broadcastHandlers = new Map<string, Set<BroadcastHandler>>();

  constructor(private readonly reportError: (error: unknown) => void) {}

  on(event: string, handler: FrameHandler): () => void {
    return addTo(this.handlers, event, handler);
  }

  onBroadcast(event: string, handler: BroadcastHandler): () => void {
    return addTo(this.broadcastHandlers, event, handler);
  }

  /** Runs the matching handlers; true when at least one ran. A throwing handler never stops the others. */
  deliver(frame: Frame): boolean {
    let delivered = false;
    const run = <A extends unknown[]>(handlers: Set<(...args: A) => void> | undefined, ...args: A) => {
      if (!handlers) return;
      for (const handler of [...handlers]) {
        delivered = true;
        try {
          handler(...args);
        } catch (error) {
          this.reportError(error);
        }
      }
    };
    run(this.handlers.get(frame.event), frame.payload, frame);
    run(this.handlers.get('*'), frame.payload, frame);
    if (frame.event === EVENTS.broadcast) {
      const body = (frame.payload ?? {}) as { event?: unknown; payload?: unknown; meta?: Record<string, unknown> };
      if (typeof body.event === 'string') {
        const message = body.meta ? { event: body.event, meta: body.meta } : { event: body.event };
        run(this.broadcastHandlers.get(body.event), body.payload, message);
        run(this.broadcastHandlers.get('*'), body.payload, message);
      }
    }
    return delivered;
  }
}

function addTo<H>(map: Map<string, Set<H>>, key: string, handler: H): () => void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(handler);
  return () => {
    const current = map.get(key);
    current?.delete(handler);
    if (current?.size === 0) map.delete(key);
  };
}
