import { mkdirSync } from 'node:fs';
import { newestProfile, type ProfileSummary, summariseProfile } from '../profile/cpu-profile-summary.ts';
import { RESULTS_DIR } from '../report/scenario-report.ts';
import type { TargetConfig } from '../target/target-config.ts';
import { TargetHandle } from '../target/target-handle.ts';

/**
 * Runs `body` against a fresh server-under-test process and stops it afterwards. With `profileAs`,
 * the server runs under `--cpu-prof` and the profile's summary is returned too (the raw
 * `.cpuprofile` stays in bench/results/profiles/ for Chrome DevTools / speedscope).
 */
export async function withTarget<T>(
  config: TargetConfig,
  profileAs: string | undefined,
  body: (target: TargetHandle) => Promise<T>,
): Promise<{ result: T; profile?: ProfileSummary }> {
  const cpuProfileDir = profileAs
    ? `${RESULTS_DIR}profiles/${profileAs}-${new Date().toISOString().replace(/[:.]/g, '-')}`
    : undefined;
  if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });
  const target = await TargetHandle.start(config, cpuProfileDir ? { cpuProfileDir } : {});
  let result: T;
  try {
    result = await body(target);
  } finally {
    await target.stop();
  }
  const file = cpuProfileDir ? newestProfile(cpuProfileDir) : undefined;
  return file ? { result, profile: summariseProfile(file) } : { result };
}
