/**
 * The fan-out seam (DESIGN §1, §5). A bus is a fast hint between server nodes, never the truth:
 * durable changes are read from the change log when a node sees a gap in `seq`, so a lost or late
 * message delays delivery and never loses it. Ephemeral traffic (broadcast, presence, typing,
 * cursors, lock notices) travels only on the bus.
 *
 * Contract (checked by the shared contract suite for every adapter):
 * - `publish` delivers to every current subscriber of `subject` on every node, including the
 *   publisher's own node; order is preserved per publisher and subject.
 * - A subscription is active once the promise of `subscribe` resolves.
 * - Messages are strings; the engine serialises once and publishes the same string.
 * - `health()` never throws; `close()` releases every connection and timer.
 */
export type BusHandler = (message: string, subject: string) => void;

export interface BusHealth {
  ok: boolean;
  detail?: string;
}

export interface FanoutBus {
  /** Stable id of this node on the bus (used to ignore one's own ephemeral echoes where needed). */
  readonly nodeId: string;
  publish(subject: string, message: string): Promise<void>;
  /** Returns a function that removes this subscription. */
  subscribe(subject: string, handler: BusHandler): Promise<() => Promise<void>>;
  /** Observes connection loss and recovery, so a node can report health and re-read the log on recovery. */
  onStatusChange(listener: (health: BusHealth) => void): () => void;
  health(): Promise<BusHealth>;
  close(): Promise<void>;
}
