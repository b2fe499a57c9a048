import type { ChildProcess } from 'node:child_process';

/**
 * Request/response and one-way events over a forked child's IPC channel (both ends use this class).
 * Messages: `{ rpc: id, method, params }` → `{ rpc: id, result }` | `{ rpc: id, error }`, and
 * `{ event, data }`. Handlers may be async; a thrown error is sent back as its message.
 */
type Port = Pick<ChildProcess, 'send' | 'on' | 'off'> | NodeJS.Process;
type Handler = (params: never) => unknown;

interface Envelope {
  rpc?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: string;
  event?: string;
  data?: unknown;
}

export class RpcPeer {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly handlers = new Map<string, Handler>();
  private readonly listeners = new Map<string, (data: never) => void>();

  constructor(
    private readonly port: Port,
    private readonly label: string,
  ) {
    port.on('message', (message: Envelope) => this.receive(message));
  }

  /** Registers the methods this end answers. */
  serve(handlers: Record<string, Handler>): void {
    for (const [name, handler] of Object.entries(handlers)) this.handlers.set(name, handler);
  }

  on<T>(event: string, listener: (data: T) => void): void {
    this.listeners.set(event, listener as (data: never) => void);
  }

  call<T>(method: string, params: unknown = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.post({ rpc: id, method, params });
    });
  }

  emit(event: string, data: unknown): void {
    this.post({ event, data });
  }

  /** Rejects every outstanding call (the other end exited). */
  failAll(reason: string): void {
    for (const { reject } of this.pending.values()) reject(new Error(`${this.label}: ${reason}`));
    this.pending.clear();
  }

  private post(message: Envelope): void {
    const send = this.port.send?.bind(this.port);
    if (!send) throw new Error(`${this.label}: no IPC channel`);
    send(message);
  }

  private receive(message: Envelope): void {
    if (message.event !== undefined) {
      this.listeners.get(message.event)?.(message.data as never);
      return;
    }
    if (message.rpc === undefined) return;
    if (message.method !== undefined) {
      void this.answer(message.rpc, message.method, message.params);
      return;
    }
    const waiter = this.pending.get(message.rpc);
    if (!waiter) return;
    this.pending.delete(message.rpc);
    if (message.error !== undefined) waiter.reject(new Error(`${this.label}: ${message.error}`));
    else waiter.resolve(message.result);
  }

  private async answer(id: number, method: string, params: unknown): Promise<void> {
    const handler = this.handlers.get(method);
    try {
      if (!handler) throw new Error(`unknown method ${method}`);
      const result = await handler(params as never);
      this.post({ rpc: id, result: result ?? null });
    } catch (error) {
      this.post({ rpc: id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  }
}
