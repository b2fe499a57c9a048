#!/usr/bin/env node
// The README's test command (`npm test`). Runs the Vitest suites, then the browser end-to-end suite,
// and prints the plain total `N passed, N failed` as its last line (from the runners' JSON reports),
// so a run that executed nothing is visible.
//
// PostgreSQL and Redis suites (test files whose name contains `postgres` / `redis`) need
// DATABASE_URL / REDIS_URL. In CI both must be set. Elsewhere, when unset, the local defaults below
// are used if those servers answer; otherwise the suites are left out and this script says so loudly.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { resolve } from 'node:path';

const LOCAL_DEFAULTS = {
  DATABASE_URL: { url: 'postgres://postgres@127.0.0.1:5432/test', port: 5432 },
  REDIS_URL: { url: 'redis://127.0.0.1:6379', port: 6379 },
};

function reachable(port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const env = { ...process.env };
for (const [name, fallback] of Object.entries(LOCAL_DEFAULTS)) {
  if (env[name]) continue;
  if (env.CI) {
    console.error(
      `run-tests: ${name} must be set in CI (the ${name === 'DATABASE_URL' ? 'PostgreSQL' : 'Redis'} suites may not skip).`,
    );
    process.exit(2);
  }
  if (await reachable(fallback.port)) {
    env[name] = fallback.url;
    console.log(`run-tests: ${name} not set; using ${fallback.url}`);
  } else {
    console.warn(`\n!!! run-tests: ${name} is not set and nothing answers on 127.0.0.1:${fallback.port}.`);
    console.warn(`!!! The ${name === 'DATABASE_URL' ? 'PostgreSQL' : 'Redis'} suites are LEFT OUT of this run.\n`);
  }
}

rmSync('test-results', { recursive: true, force: true });
mkdirSync('test-results', { recursive: true });

const passthrough = process.argv.slice(2);
const suites = [
  { name: 'unit and integration', config: 'vitest.config.ts', report: 'test-results/vitest.json' },
  { name: 'browser end-to-end', config: 'tests/e2e/vitest.config.ts', report: 'test-results/e2e.json' },
];

let passed = 0;
let failed = 0;
let exitCode = 0;
for (const suite of suites) {
  if (!existsSync(suite.config)) continue;
  console.log(`\nrun-tests: ${suite.name} (${suite.config})`);
  const result = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      '--config',
      suite.config,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${resolve(suite.report)}`,
      ...passthrough,
    ],
    { stdio: 'inherit', env },
  );
  if (result.status !== 0) exitCode = 1;
  if (!existsSync(suite.report)) {
    console.error(`run-tests: ${suite.name} wrote no report (${suite.report}); counting it as a failure.`);
    failed += 1;
    exitCode = 1;
    continue;
  }
  const report = JSON.parse(readFileSync(suite.report, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  // A runner that failed without failing a test (a global setup or build error) still counts once.
  if (result.status !== 0 && (report.numFailedTests ?? 0) === 0) {
    console.error(`run-tests: ${suite.name} failed outside its tests (see above); counting it as a failure.`);
    failed += 1;
  }
  // A suite that could not even load counts as failed, not as zero tests.
  failed += (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0,
  ).length;
}
if (passed + failed === 0) exitCode = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(exitCode);
