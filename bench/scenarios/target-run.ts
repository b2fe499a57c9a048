import { mkdirSync } from 'node:fs';
import { type ProfileSummary, summariseProfile } from '../profile/cpu-profile-summary.ts';
import { RESULTS_DIR } from '../report/scenario-report.ts';
import type { TargetConfig } from '../target/target-config.ts';
import { TargetHandle } from '../target/target-handle.ts';

/**
 * Runs `body` against a fresh server-under-test process and stops it afterwards. With `profileAs`,
 * the server's main thread runs under the V8 CPU profiler for the whole body (not its start-up), and
 * the profile's summary is returned too; the raw `.cpuprofile` stays in bench/results/profiles/
 * (open it in Chrome DevTools or speedscope).
 */
export async function withTarget<T>(
  config: TargetConfig,
  profileAs: string | undefined,
  body: (target: TargetHandle) => Promise<T>,
): Promise<{ result: T; profile?: ProfileSummary }> {
  const target = await TargetHandle.start(config);
  let result: T;
  let profileFile: string | undefined;
  try {
    if (profileAs) {
      mkdirSync(`${RESULTS_DIR}profiles`, { recursive: true });
      profileFile = `${RESULTS_DIR}profiles/${profileAs}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`;
      await target.call('profileStart');
    }
    result = await body(target);
    if (profileFile) await target.call('profileStop', { file: profileFile });
  } finally {
    await target.stop();
  }
  return profileFile ? { result, profile: summariseProfile(profileFile) } : { result };
}
