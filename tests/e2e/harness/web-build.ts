import { join } from 'node:path';
import { build } from 'vite';
import { REPO_ROOT, webDistDir } from './app-server-process.ts';

/**
 * Vitest globalSetup: builds apps/web once per e2e run, so the server serves the current app — the
 * production build, as `npm start` serves it. Vite takes the bundle's `process.env.NODE_ENV` from the
 * environment when set, and Vitest sets it to `test`, which would ship React's development build.
 */
export default async function buildWebApp(): Promise<void> {
  if (process.env.WEDSYNC_E2E_SKIP_BUILD === '1') return;
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: join(REPO_ROOT, 'apps/web/vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir: webDistDir(), emptyOutDir: true },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}
