/**
 * Errors the Redis bus rejects with. They are internal to the server (they never travel on the wire),
 * so they carry their own `code` rather than an entry of the protocol's ERROR_CODES table. The engine
 * treats the bus as a hint: a rejected publish is logged and the change log covers the gap.
 */
export class BusUnavailableError extends Error {
  readonly code = 'BUS_UNAVAILABLE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(`BUS_UNAVAILABLE: ${message}`, options);
    this.name = 'BusUnavailableError';
  }
}

export class BusClosedError extends Error {
  readonly code = 'BUS_CLOSED';

  constructor() {
    super('BUS_CLOSED: the bus is closed');
    this.name = 'BusClosedError';
  }
}

/** The URL without its password, for error messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparsable Redis URL>';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
