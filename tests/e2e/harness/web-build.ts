import { join } from 'node:path';
import { build } from 'vite';
import { REPO_ROOT, webDistDir } from './app-server-process.ts';

/** Vitest globalSetup: builds apps/web once per e2e run, so the server serves the current app. */
export default async function buildWebApp(): Promise<void> {
  if (process.env.WEDSYNC_E2E_SKIP_BUILD === '1') return;
  await build({
    configFile: join(REPO_ROOT, 'apps/web/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: webDistDir(), emptyOutDir: true },
  });
}
