import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_CONFIG_VARIABLES, loadAppConfig } from '../src/app-config.ts';

/**
 * Issue 2 acceptance: the README documents the configuration — every environment variable. The
 * server's variables are the names `loadAppConfig` reads; the scripts and tools read `process.env`
 * directly. A variable added without a README row fails here.
 */
const REPO_ROOT = join(import.meta.dirname, '../../..');
const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** The README's server table: the rows between "## Configuration" and the next paragraph. */
function serverTableNames(): string[] {
  const section = readme.slice(readme.indexOf('## Configuration'));
  const table = section.slice(
    section.indexOf('| variable |'),
    section.indexOf('\n\n', section.indexOf('| variable |')),
  );
  return table
    .split('\n')
    .slice(2)
    .flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]!));
}

/** Files outside tests (and outside node_modules/dist) whose `process.env` reads users may set. */
const SCANNED = ['scripts', 'apps', 'packages', 'bench', 'tests/e2e/harness', 'vitest.config.ts'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'test', 'data', '.vite']);

function sourceFiles(path: string): string[] {
  const stat = statSync(path);
  if (stat.isFile()) return /\.(m?[jt]sx?|cjs)$/.test(path) ? [path] : [];
  return readdirSync(path)
    .filter((entry) => !SKIPPED_DIRS.has(entry))
    .flatMap((entry) => sourceFiles(join(path, entry)));
}

function processEnvReads(): Map<string, string> {
  const reads = new Map<string, string>();
  for (const file of SCANNED.flatMap((path) => sourceFiles(join(REPO_ROOT, path)))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]*)|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])/g))
      reads.set(match[1] ?? match[2]!, relative(REPO_ROOT, file));
  }
  return reads;
}

describe('README documents every environment variable (issue 2 acceptance)', () => {
  it('lists exactly the variables the server reads (apps/server/src/app-config.ts) in its Configuration table', () => {
    expect(APP_CONFIG_VARIABLES.length).toBeGreaterThan(20);
    expect([...serverTableNames()].sort()).toEqual([...APP_CONFIG_VARIABLES].sort());
  });

  it('names every variable the scripts and tools read from process.env', () => {
    const reads = processEnvReads();
    expect(reads.get('CLUSTER_NODES')).toBe('scripts/start-cluster.mjs');
    const undocumented = [...reads].filter(([name]) => !readme.includes(`\`${name}\``));
    expect(undocumented.map(([name, file]) => `${name} (${file})`)).toEqual([]);
  });

  it('R1.1 serves on port 4000 unless PORT overrides it', () => {
    expect(loadAppConfig({}).PORT).toBe(4000);
    expect(loadAppConfig({ PORT: '4123' }).PORT).toBe(4123);
  });
});
