/** The Battery Status API as far as we use it (`navigator.getBattery()` resolves to one). */
export interface BatteryLike {
  /** 0 … 1. */
  readonly level: number;
  readonly charging: boolean;
  addEventListener?(type: 'levelchange' | 'chargingchange', listener: () => void): void;
  removeEventListener?(type: 'levelchange' | 'chargingchange', listener: () => void): void;
}

export interface BatteryPolicyOptions {
  /** A battery, a promise of one (`navigator.getBattery()`), or null. Default `navigator.getBattery()` where it exists. */
  battery?: BatteryLike | Promise<BatteryLike> | null;
  /** Below this level and not charging counts as low. Default 0.15. */
  lowLevel?: number;
}

/**
 * R13.1: "low battery" = not charging and under 15 %. Where the API is missing (Firefox, Safari) the
 * battery never counts as low. Reports changes through `onChange`; uses no timer.
 */
export class BatteryPolicy {
  private battery: BatteryLike | null = null;
  private lowValue = false;
  private disposed = false;
  private readonly lowLevel: number;
  private readonly listeners = new Set<() => void>();
  private readonly onBatteryChange = () => this.check();
  /** Resolves once the battery (if any) was read. */
  readonly ready: Promise<void>;

  constructor(options: BatteryPolicyOptions = {}) {
    this.lowLevel = options.lowLevel ?? 0.15;
    const source = options.battery === undefined ? platformBattery() : options.battery;
    if (source && typeof (source as Promise<BatteryLike>).then === 'function') {
      this.ready = (source as Promise<BatteryLike>).then(
        (battery) => this.attach(battery),
        () => undefined,
      );
    } else {
      this.attach(source as BatteryLike | null);
      this.ready = Promise.resolve();
    }
  }

  get low(): boolean {
    return this.lowValue;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  dispose(): void {
    this.disposed = true;
    this.battery?.removeEventListener?.('levelchange', this.onBatteryChange);
    this.battery?.removeEventListener?.('chargingchange', this.onBatteryChange);
    this.battery = null;
    this.listeners.clear();
  }

  private attach(battery: BatteryLike | null): void {
    if (!battery || this.disposed) return;
    this.battery = battery;
    battery.addEventListener?.('levelchange', this.onBatteryChange);
    battery.addEventListener?.('chargingchange', this.onBatteryChange);
    this.check();
  }

  private check(): void {
    const battery = this.battery;
    const low = battery !== null && !battery.charging && battery.level < this.lowLevel;
    if (low === this.lowValue) return;
    this.lowValue = low;
    for (const listener of [...this.listeners]) listener();
  }
}

function platformBattery(): Promise<BatteryLike> | null {
  const navigator = (globalThis as { navigator?: { getBattery?: () => Promise<BatteryLike> } }).navigator;
  return typeof navigator?.getBattery === 'function' ? navigator.getBattery() : null;
}
