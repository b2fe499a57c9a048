import type { ConnectionStatus } from '../connection/connection-status.ts';
import type { TransportKind, TransportSelector } from './transport-selector.ts';

/** R1.5 status plus the transport in use (R15.1): the indicator can say "connected (HTTP fallback)". */
export interface ClientStatus extends ConnectionStatus {
  /** The transport of the current (or last) link: `websocket`, or `longpoll` while on the HTTP fallback. */
  transport: TransportKind;
}

export type ClientStatusListener = (status: ClientStatus) => void;

interface StatusSource {
  readonly status: ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
}

/**
 * Joins the connection status with the selector's transport into one frozen object that changes
 * identity only when either part changes (a valid `useSyncExternalStore` snapshot).
 */
export class TransportStatusView {
  private cached: { base: ConnectionStatus; kind: TransportKind; status: ClientStatus } | undefined;

  constructor(
    private readonly source: StatusSource,
    private readonly selector: TransportSelector,
  ) {}

  get status(): ClientStatus {
    const base = this.source.status;
    const kind = this.selector.kind;
    if (this.cached?.base !== base || this.cached.kind !== kind) {
      this.cached = { base, kind, status: Object.freeze({ ...base, transport: kind }) };
    }
    return this.cached.status;
  }

  onStatus(listener: ClientStatusListener): () => void {
    let last = this.status;
    const check = () => {
      const next = this.status;
      if (next === last) return;
      last = next;
      listener(next);
    };
    const offStatus = this.source.onStatus(check);
    const offKind = this.selector.onKindChange(check);
    return () => {
      offStatus();
      offKind();
    };
  }
}
