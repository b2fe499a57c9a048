import { join } from 'node:path';
import { TEST_JWT_SECRET } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { type AppConfig, loadAppConfig } from '../src/app-config.ts';

/**
 * The app's configuration for tests: data in `dataDir`, port 0 on 127.0.0.1, silent logs, tokens signed
 * with the record-sync test secret (so `SyncTestClient` and `signTestToken` log anyone in) and no web build.
 */
export function testAppConfig(dataDir: string): AppConfig {
  return loadAppConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    WEB_DIST_DIR: join(dataDir, 'no-web'),
  });
}
