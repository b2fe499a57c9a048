/** Key-value storage for the daily totals (the browser's localStorage fits). */
export interface UsageStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface DataUsage {
  /** Bytes sent since this client was created (this app session). */
  sessionSent: number;
  sessionReceived: number;
  /** Bytes of the current local day (kept across reloads when a storage is given). */
  today: { day: string; sent: number; received: number };
}

export interface DataUsageOptions {
  /** Epoch ms. Default Date.now. */
  nowMs?: () => number;
  /** The day a moment belongs to. Default: the local calendar day `YYYY-MM-DD`. */
  dayKey?: (epochMs: number) => string;
  /** Where daily totals survive reloads; default none (memory only). */
  storage?: UsageStorage | null;
  /** Storage key. Default `wedsync.usage`. */
  storageKey?: string;
  /** Totals are written at most this often (and on `flush()`), so counting never costs a write per frame. Default 10_000. */
  saveIntervalMs?: number;
  /** Daily totals kept in storage. Default 30. */
  keepDays?: number;
}

interface StoredUsage {
  days: Record<string, { sent: number; received: number }>;
}

/** The local calendar day of an epoch-ms moment, `YYYY-MM-DD`. */
export function localDayKey(epochMs: number): string {
  const date = new Date(epochMs);
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}

/**
 * R13.2 data usage: bytes sent and received by the realtime link (WebSocket frames, long-poll HTTP
 * bodies; not TCP/TLS/HTTP-header overhead), per app session and per day, for the data-usage warning
 * and sync settings. Counting uses no timer: the day rolls over on the first count of a new day, and
 * saving happens on a count at least `saveIntervalMs` after the previous save.
 */
export class DataUsageMeter {
  private sessionSent = 0;
  private sessionReceived = 0;
  private readonly days: Record<string, { sent: number; received: number }>;
  private lastSavedAtMs = Number.NEGATIVE_INFINITY;
  private dirty = false;
  private readonly nowMs: () => number;
  private readonly dayKey: (epochMs: number) => string;
  private readonly listeners = new Set<(usage: DataUsage) => void>();

  constructor(private readonly options: DataUsageOptions = {}) {
    this.nowMs = options.nowMs ?? Date.now;
    this.dayKey = options.dayKey ?? localDayKey;
    this.days = this.load();
  }

  record(direction: 'sent' | 'received', bytes: number): void {
    if (!(bytes > 0)) return;
    const now = this.nowMs();
    const day = this.dayEntry(this.dayKey(now));
    if (direction === 'sent') {
      this.sessionSent += bytes;
      day.sent += bytes;
    } else {
      this.sessionReceived += bytes;
      day.received += bytes;
    }
    this.dirty = true;
    if (now - this.lastSavedAtMs >= (this.options.saveIntervalMs ?? 10_000)) this.flush();
    if (this.listeners.size > 0) {
      const usage = this.usage();
      for (const listener of [...this.listeners]) listener(usage);
    }
  }

  usage(): DataUsage {
    const key = this.dayKey(this.nowMs());
    const today = this.days[key] ?? { sent: 0, received: 0 };
    return {
      sessionSent: this.sessionSent,
      sessionReceived: this.sessionReceived,
      today: { day: key, sent: today.sent, received: today.received },
    };
  }

  /** Totals per day (oldest first), e.g. for a usage chart in sync settings. */
  history(): Array<{ day: string; sent: number; received: number }> {
    return Object.keys(this.days)
      .sort()
      .map((day) => ({ day, ...this.days[day]! }));
  }

  /** Called after every count (keep it cheap; e.g. compare against a warning threshold). */
  onChange(listener: (usage: DataUsage) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Writes the daily totals now (call on page hide / close). */
  flush(): void {
    this.lastSavedAtMs = this.nowMs();
    if (!this.dirty || !this.options.storage) return;
    this.dirty = false;
    const keep = Object.keys(this.days)
      .sort()
      .slice(-(this.options.keepDays ?? 30));
    const stored: StoredUsage = { days: Object.fromEntries(keep.map((day) => [day, this.days[day]!])) };
    try {
      this.options.storage.setItem(this.storageKey, JSON.stringify(stored));
    } catch {
      // Storage full or unavailable: counting goes on in memory.
    }
  }

  private get storageKey(): string {
    return this.options.storageKey ?? 'wedsync.usage';
  }

  private dayEntry(key: string): { sent: number; received: number } {
    let entry = this.days[key];
    if (!entry) {
      entry = { sent: 0, received: 0 };
      this.days[key] = entry;
    }
    return entry;
  }

  private load(): Record<string, { sent: number; received: number }> {
    const days: Record<string, { sent: number; received: number }> = {};
    let text: string | null = null;
    try {
      text = this.options.storage?.getItem(this.storageKey) ?? null;
    } catch {
      return days;
    }
    if (!text) return days;
    try {
      const parsed = JSON.parse(text) as Partial<StoredUsage>;
      for (const [day, value] of Object.entries(parsed.days ?? {})) {
        if (Number.isFinite(value?.sent) && Number.isFinite(value?.received))
          days[day] = { sent: value.sent, received: value.received };
      }
    } catch {
      // A corrupt entry starts the totals afresh.
    }
    return days;
  }
}
