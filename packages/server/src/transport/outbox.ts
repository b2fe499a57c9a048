/**
 * Write batching (DESIGN §7): everything due to one socket during an event-loop turn is written in
 * one corked burst at the end of the turn (one setImmediate for the whole server, not per socket).
 */
export interface Flushable {
  flush(): void;
}

export class Outbox {
  private readonly dirty = new Set<Flushable>();
  private scheduled: NodeJS.Immediate | undefined;

  markDirty(target: Flushable): void {
    this.dirty.add(target);
    if (!this.scheduled) this.scheduled = setImmediate(this.flushAll);
  }

  /** Writes everything pending now (used before closing a socket). */
  flushNow(target: Flushable): void {
    if (this.dirty.delete(target)) target.flush();
  }

  private readonly flushAll = (): void => {
    this.scheduled = undefined;
    const targets = [...this.dirty];
    this.dirty.clear();
    for (const target of targets) target.flush();
  };

  /** Drops pending work and releases the scheduled turn. */
  close(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.dirty.clear();
  }
}
