import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { Server as TlsServer } from 'node:tls';

/** R14.1: a PEM certificate (chain) and its private key; the server then serves https and wss only. */
export interface TlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
}

/** A TLS file could not be read; `variable` names the setting that pointed at it. */
export class TlsConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/**
 * Reads the certificate and key files (e.g. TLS_CERT_FILE / TLS_KEY_FILE). Both or neither: one
 * without the other is a configuration error, never a silent plain-HTTP start.
 */
export async function readTlsFiles(
  certFile: string | undefined,
  keyFile: string | undefined,
  names: { cert: string; key: string } = { cert: 'TLS_CERT_FILE', key: 'TLS_KEY_FILE' },
): Promise<TlsOptions | undefined> {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    throw new TlsConfigError(`${names.cert} and ${names.key} must be set together`);
  }
  const read = async (path: string, variable: string) => {
    try {
      return await readFile(path);
    } catch (error) {
      throw new TlsConfigError(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? error})`);
    }
  };
  const [cert, key] = await Promise.all([read(certFile, names.cert), read(keyFile, names.key)]);
  if (!cert.includes('-----BEGIN')) throw new TlsConfigError(`${names.cert}: ${certFile} is not a PEM file`);
  if (!key.includes('-----BEGIN')) throw new TlsConfigError(`${names.key}: ${keyFile} is not a PEM file`);
  return { cert, key };
}

/** True when the HTTP server terminates TLS itself (then its URLs are https:// and wss://). */
export function isTlsServer(server: Server): boolean {
  return server instanceof TlsServer;
}
