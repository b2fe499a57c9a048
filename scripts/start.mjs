#!/usr/bin/env node
// `npm start`: builds the web app when its build is missing or older than its sources, then runs
// the server (apps/server/src/main.ts), which serves the build at `/`. With no configuration it uses
// the embedded default (PGlite under ./data, in-process bus) — no other service needed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const WEB_SOURCES = [
  'apps/web/src',
  'apps/web/index.html',
  'apps/web/vite.config.ts',
  'packages/react/src',
  'packages/react-ui/src',
  'packages/client/src',
  'packages/protocol/src',
];
const BUILT_INDEX = 'apps/web/dist/index.html';

function newestMtimeMs(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

if (!process.env.WEB_DIST_DIR && existsSync('apps/web/package.json')) {
  const builtAt = existsSync(BUILT_INDEX) ? statSync(BUILT_INDEX).mtimeMs : 0;
  const sourcesAt = Math.max(...WEB_SOURCES.map(newestMtimeMs));
  if (sourcesAt > builtAt) {
    console.log('start: building the web app (apps/web) …');
    const build = spawnSync('npm', ['run', 'build', '--workspace', '@wedsync/web'], { stdio: 'inherit' });
    if (build.status !== 0) {
      console.error('start: the web app failed to build; starting the server without it.');
    }
  }
}

const server = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
