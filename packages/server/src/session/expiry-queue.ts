/** An item the queue can hold; `expiryIndex` is the queue's bookkeeping (-1 while not queued). */
export interface Expiring {
  expiryIndex: number;
}

export interface ExpiryQueueDeps<T> {
  /** Clock (epoch ms) the due times are read against. */
  nowMs(): number;
  /** Called once for each item whose due time has passed, after it left the queue. */
  onExpire(item: T): void;
}

/** Longest delay setTimeout accepts; a later due time is reached in several steps. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Deadlines of many items on one timer (issue 9: token expiry of every session, instead of one
 * `setTimeout` per connection — a Timeout, its closure and a timer list each, ~300 B). A binary
 * min-heap by due time with the item's position kept in the item, so schedule, re-schedule and
 * cancel are O(log n); the single timer is re-armed only when the earliest due time changes.
 */
export class ExpiryQueue<T extends Expiring> {
  private readonly items: T[] = [];
  private readonly dues: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Due time the timer is armed for (Infinity: not armed). */
  private armedDueMs = Number.POSITIVE_INFINITY;
  private closed = false;

  constructor(private readonly deps: ExpiryQueueDeps<T>) {}

  get size(): number {
    return this.items.length;
  }

  /** Queues `item` to expire at `dueMs`, or moves it there if it is queued already. */
  schedule(item: T, dueMs: number): void {
    if (this.closed) return;
    const index = item.expiryIndex;
    if (index >= 0 && this.items[index] === item) {
      const previousMs = this.dues[index]!;
      this.dues[index] = dueMs;
      if (dueMs < previousMs) this.siftUp(index);
      else this.siftDown(index);
    } else {
      this.items.push(item);
      this.dues.push(dueMs);
      item.expiryIndex = this.items.length - 1;
      this.siftUp(item.expiryIndex);
    }
    this.arm();
  }

  cancel(item: T): void {
    const index = item.expiryIndex;
    if (index < 0 || this.items[index] !== item) return;
    this.removeAt(index);
    this.arm();
  }

  /** Drops every item and the timer; later schedules are ignored. */
  close(): void {
    this.closed = true;
    for (const item of this.items) item.expiryIndex = -1;
    this.items.length = 0;
    this.dues.length = 0;
    this.arm();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedDueMs = Number.POSITIVE_INFINITY;
    try {
      const nowMs = this.deps.nowMs();
      while (this.items.length > 0 && this.dues[0]! <= nowMs) {
        const item = this.items[0]!;
        this.removeAt(0);
        this.deps.onExpire(item);
      }
    } finally {
      this.arm();
    }
  };

  private arm(): void {
    const nextMs = this.items.length > 0 ? this.dues[0]! : Number.POSITIVE_INFINITY;
    if (nextMs === this.armedDueMs) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedDueMs = nextMs;
    if (nextMs === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(this.fire, Math.min(Math.max(0, nextMs - this.deps.nowMs()), MAX_TIMER_MS));
  }

  private removeAt(index: number): void {
    const removed = this.items[index]!;
    removed.expiryIndex = -1;
    const lastItem = this.items.pop()!;
    const lastDue = this.dues.pop()!;
    if (index === this.items.length) return;
    this.items[index] = lastItem;
    this.dues[index] = lastDue;
    lastItem.expiryIndex = index;
    this.siftUp(index);
    this.siftDown(lastItem.expiryIndex);
  }

  private siftUp(start: number): void {
    let index = start;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.dues[parent]! <= this.dues[index]!) break;
      this.swap(index, parent);
      index = parent;
    }
  }

  private siftDown(start: number): void {
    let index = start;
    const length = this.items.length;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < length && this.dues[left]! < this.dues[smallest]!) smallest = left;
      if (right < length && this.dues[right]! < this.dues[smallest]!) smallest = right;
      if (smallest === index) return;
      this.swap(index, smallest);
      index = smallest;
    }
  }

  private swap(a: number, b: number): void {
    const itemA = this.items[a]!;
    const itemB = this.items[b]!;
    const dueA = this.dues[a]!;
    this.items[a] = itemB;
    this.items[b] = itemA;
    this.dues[a] = this.dues[b]!;
    this.dues[b] = dueA;
    itemB.expiryIndex = a;
    itemA.expiryIndex = b;
  }
}
