import { createHmac, timingSafeEqual } from 'node:crypto';

/** Path of the open-tracking pixel; the app serves `GET {EMAIL_OPEN_PATH}/{token}.gif`. */
export const EMAIL_OPEN_PATH = '/api/journeys/opened';

/** A transparent 1×1 GIF (43 bytes), the body of every pixel response. */
export const TRACKING_PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const SIGNATURE_BYTES = 16;

/**
 * An unguessable token naming one email of one run (R8.1 "email opened"): `base64url(runId\nmoduleId)`
 * plus an HMAC-SHA256 signature (128 bits) under the server's secret, so nobody can mark another
 * run's email opened or learn run ids by guessing.
 */
export function emailOpenToken(secret: string, runId: string, moduleId: string): string {
  const body = Buffer.from(`${runId}\n${moduleId}`, 'utf8').toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

/** The run and module a token names, or undefined for a malformed or forged token. */
export function readEmailOpenToken(secret: string, token: string): { runId: string; moduleId: string } | undefined {
  const [body, signature, ...rest] = token.split('.');
  if (!body || !signature || rest.length > 0 || body.length > 600) return undefined;
  const expected = Buffer.from(sign(secret, body), 'base64url');
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const [runId, moduleId, ...extra] = Buffer.from(body, 'base64url').toString('utf8').split('\n');
  if (!runId || !moduleId || extra.length > 0) return undefined;
  return { runId, moduleId };
}

function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest().subarray(0, SIGNATURE_BYTES).toString('base64url');
}
