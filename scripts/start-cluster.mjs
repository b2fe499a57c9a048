#!/usr/bin/env node
// `npm run start:cluster -- [nodes]`: starts N app nodes (default 3) on one machine against
// DATABASE_URL and REDIS_URL, on ports PORT, PORT+1, … (default 4000). Every node shares one
// JWT_SECRET (taken from the environment, else generated once into DATA_DIR/cluster-jwt-secret).
// Put any load balancer in front; sticky sessions are not required (docs/operations.md).
// Ctrl-C stops every node gracefully.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const nodes = Number.parseInt(process.argv[2] ?? process.env.CLUSTER_NODES ?? '3', 10);
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 64) {
  console.error('start-cluster: the node count must be an integer from 1 to 64');
  process.exit(64);
}
for (const name of ['DATABASE_URL', 'REDIS_URL']) {
  if (!process.env[name]) {
    console.error(
      `start-cluster: ${name} is required — several nodes share PostgreSQL and Redis (embedded PGlite is one process only).`,
    );
    process.exit(78);
  }
}
const basePort = Number.parseInt(process.env.PORT ?? '4000', 10);
const dataDir = process.env.DATA_DIR ?? './data';
let secret = process.env.JWT_SECRET;
if (!secret) {
  const file = join(dataDir, 'cluster-jwt-secret');
  if (existsSync(file)) secret = readFileSync(file, 'utf8').trim();
  else {
    mkdirSync(dataDir, { recursive: true });
    secret = randomBytes(32).toString('base64url');
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  }
}

const children = [];
for (let index = 0; index < nodes; index += 1) {
  const port = basePort + index;
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    env: { ...process.env, PORT: String(port), JWT_SECRET: secret, DATA_DIR: join(dataDir, `node-${index}`) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) =>
    console.log(`start-cluster: node ${index} (port ${port}) exited (${signal ?? code})`),
  );
  children.push(child);
}
console.log(`start-cluster: ${nodes} nodes on ports ${basePort}–${basePort + nodes - 1}`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
