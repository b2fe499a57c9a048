import { z } from 'zod';

/**
 * Every environment variable the server reads (documented in README "Configuration").
 * `loadAppConfig` never throws on a bad value without naming the variable and what it expects.
 */
const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: integer(0, 65_535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Embedded PGlite files and the generated development secret live here. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** HS256 secret. Unset in development: generated once and kept in DATA_DIR. Required in production unless JWKS_URL is set. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** RS256/ES256 public keys (e.g. your identity provider's /.well-known/jwks.json). */
  JWKS_URL: z.url().optional(),
  /** PostgreSQL instead of embedded PGlite (required to run several nodes). */
  DATABASE_URL: z.string().min(1).optional(),
  /** Redis fan-out between nodes instead of the in-process bus. */
  REDIS_URL: z.string().min(1).optional(),
  /** Comma-separated Origin allow-list for WebSocket upgrades; unset allows every origin. */
  ALLOWED_ORIGINS: list.optional(),
  HEARTBEAT_INTERVAL_MS: integer(1_000, 300_000).default(30_000),
  /** Per-user token bucket: RATE_LIMIT_POINTS messages per RATE_LIMIT_DURATION_MS. */
  RATE_LIMIT_POINTS: integer(1, 1_000_000).default(100),
  RATE_LIMIT_DURATION_MS: integer(100, 3_600_000).default(1_000),
  MAX_CONNECTIONS_PER_USER: integer(1, 10_000).default(20),
  /** How long the change log keeps entries for resuming clients (R11.2). */
  LOG_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(7),
  /** R14.1: how long the audit trail (and problem reports) are kept. */
  AUDIT_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(90),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Directory of the built web app to serve at `/`; default apps/web/dist when it exists. */
  WEB_DIST_DIR: z.string().min(1).optional(),
  /** R14.1: PEM certificate (chain) and private key; both set → the server speaks https/wss only. */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  /** Public base URL of the app, for links in notification emails and SMS (R5.4). Default http://localhost:PORT. */
  PUBLIC_URL: z.url().optional(),
  /** SMTP server for email notifications (`smtp://user:pass@host:587`, `smtps://…`); unset: emails are only recorded. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  SMTP_FROM: z.string().min(3).default('WedSync <notifications@wedsync.localhost>'),
  /** Twilio-compatible create-message endpoint (`{AccountSid}` is replaced); unset: SMS are only recorded. */
  SMS_API_URL: z.url().optional(),
  SMS_ACCOUNT_SID: z.string().min(1).optional(),
  SMS_AUTH_TOKEN: z.string().min(1).optional(),
  SMS_FROM: z.string().min(1).optional(),
  /** VAPID contact (`mailto:` or an https URL) sent to push services with every Web Push message. */
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)/, 'must start with mailto: or https://')
    .default('mailto:notifications@wedsync.localhost'),
  /** VAPID key pair (URL-safe base64); unset: generated once and kept in DATA_DIR/vapid-keys.json. */
  VAPID_PUBLIC_KEY: z.string().min(80).optional(),
  VAPID_PRIVATE_KEY: z.string().min(40).optional(),
});

/** The names `loadAppConfig` reads, in the order of the schema (README "Configuration" lists each). */
export const APP_CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

export type AppConfig = z.infer<typeof schema> & { isProduction: boolean };

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

export function loadAppConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const known = Object.fromEntries(APP_CONFIG_VARIABLES.map((key) => [key, env[key] === '' ? undefined : env[key]]));
  const parsed = schema.safeParse(known);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`Invalid configuration — ${problems}`);
  }
  const config = { ...parsed.data, isProduction: parsed.data.NODE_ENV === 'production' };
  if ((config.TLS_CERT_FILE === undefined) !== (config.TLS_KEY_FILE === undefined)) {
    throw new ConfigError('Invalid configuration — TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  }
  if (config.SMS_API_URL && !(config.SMS_ACCOUNT_SID && config.SMS_AUTH_TOKEN && config.SMS_FROM)) {
    throw new ConfigError('Invalid configuration — SMS_API_URL needs SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and SMS_FROM');
  }
  if (Boolean(config.VAPID_PUBLIC_KEY) !== Boolean(config.VAPID_PRIVATE_KEY)) {
    throw new ConfigError('Invalid configuration — set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither');
  }
  if (config.isProduction && !config.JWT_SECRET && !config.JWKS_URL) {
    throw new ConfigError('Invalid configuration — JWT_SECRET or JWKS_URL is required when NODE_ENV=production');
  }
  return config;
}
