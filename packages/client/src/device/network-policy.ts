/**
 * The Network Information API as far as we use it (`navigator.connection`; Chromium-based browsers).
 * Every field is optional: where the API is missing the network counts as unconstrained.
 */
export interface NetworkInformationLike {
  /** `slow-2g` | `2g` | `3g` | `4g`. */
  readonly effectiveType?: string;
  /** The user turned on a data saver. */
  readonly saveData?: boolean;
  /** `cellular` | `wifi` | `ethernet` | … */
  readonly type?: string;
  addEventListener?(type: 'change', listener: () => void): void;
  removeEventListener?(type: 'change', listener: () => void): void;
}

/** Update kinds that may be thinned out on a constrained network (never record changes or mutations). */
export type EphemeralKind = 'presence' | 'typing' | 'metrics';

export type ConstraintReason = 'low-data-mode' | 'save-data' | 'cellular' | 'slow-network';

/** Minimum spacing of ephemeral updates per kind, in ms. */
export type EphemeralIntervals = Record<EphemeralKind, number>;

export const NORMAL_INTERVALS_MS: EphemeralIntervals = { presence: 1_000, typing: 300, metrics: 2_000 };
export const CONSTRAINED_INTERVALS_MS: EphemeralIntervals = { presence: 10_000, typing: 3_000, metrics: 15_000 };

export interface NetworkPolicyOptions {
  /** Default `navigator.connection` where it exists. */
  connection?: NetworkInformationLike | null;
  /** Start in low data mode (the app's sync setting, R13.2). Default false. */
  lowDataMode?: boolean;
  normalIntervalsMs?: Partial<EphemeralIntervals>;
  constrainedIntervalsMs?: Partial<EphemeralIntervals>;
}

const SLOW_TYPES = new Set(['slow-2g', '2g', '3g']);

/**
 * R13.1: is this a network to spend little on? Constrained when the app's low data mode is on, the
 * browser's data saver is on, the link is cellular, or the effective type is 3g or slower. On a
 * constrained network presence, typing and metrics updates are spaced further apart
 * (`intervalMs`) and media is fetched in the small variant (`mediaVariant`).
 */
export class NetworkPolicy {
  private lowDataMode: boolean;
  private readonly connection: NetworkInformationLike | null;
  private readonly normal: EphemeralIntervals;
  private readonly constrainedIntervals: EphemeralIntervals;
  private readonly listeners = new Set<() => void>();
  private last: ConstraintReason | null;
  private readonly onConnectionChange = () => this.check();

  constructor(options: NetworkPolicyOptions = {}) {
    this.connection =
      options.connection === undefined
        ? ((globalThis as { navigator?: { connection?: NetworkInformationLike } }).navigator?.connection ?? null)
        : options.connection;
    this.lowDataMode = options.lowDataMode ?? false;
    this.normal = { ...NORMAL_INTERVALS_MS, ...options.normalIntervalsMs };
    this.constrainedIntervals = { ...CONSTRAINED_INTERVALS_MS, ...options.constrainedIntervalsMs };
    this.connection?.addEventListener?.('change', this.onConnectionChange);
    this.last = this.reason;
  }

  /** Why the network is constrained, or null. Low data mode wins, then data saver, cellular, slow. */
  get reason(): ConstraintReason | null {
    if (this.lowDataMode) return 'low-data-mode';
    const connection = this.connection;
    if (!connection) return null;
    if (connection.saveData === true) return 'save-data';
    if (connection.type === 'cellular') return 'cellular';
    if (connection.effectiveType !== undefined && SLOW_TYPES.has(connection.effectiveType)) return 'slow-network';
    return null;
  }

  get constrained(): boolean {
    return this.reason !== null;
  }

  /** Minimum ms between two updates of one key of this kind. */
  intervalMs(kind: EphemeralKind): number {
    return (this.constrained ? this.constrainedIntervals : this.normal)[kind];
  }

  /** Which variant of an image or attachment to fetch. */
  mediaVariant(): 'full' | 'small' {
    return this.constrained ? 'small' : 'full';
  }

  /** R13.2 sync setting: behave as on cellular whatever the network. */
  setLowDataMode(enabled: boolean): void {
    this.lowDataMode = enabled;
    this.check();
  }

  get isLowDataMode(): boolean {
    return this.lowDataMode;
  }

  /** Called when `reason` changes. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  dispose(): void {
    this.connection?.removeEventListener?.('change', this.onConnectionChange);
    this.listeners.clear();
  }

  private check(): void {
    const reason = this.reason;
    if (reason === this.last) return;
    this.last = reason;
    for (const listener of [...this.listeners]) listener();
  }
}
