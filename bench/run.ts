/**
 * Benchmark runner (issue 9). `npm run bench -- <scenario> [--param value …]` runs one scenario with
 * its full-size defaults; `npm run bench:all [-- --param value …]` runs every scenario with small
 * defaults (a few minutes in total). Each run writes bench/results/<scenario>.md and .json
 * (`bench:all`: <scenario>.quick.md/.json and summary.md).
 * `npm run bench -- --help` lists scenarios and parameters; `--tag name` writes
 * `<scenario>.<name>.md/.json` (to keep a variant next to the default run).
 */
import { machineInfo } from './report/machine-info.ts';
import { type ScenarioReport, writeReport } from './report/scenario-report.ts';
import { writeSummary } from './report/summary-report.ts';
import { connectStorm } from './scenarios/connect-storm.ts';
import { durableSync } from './scenarios/durable-sync.ts';
import { fanOut } from './scenarios/fan-out.ts';
import { idleFootprint } from './scenarios/idle-footprint.ts';
import { manyRooms } from './scenarios/many-rooms.ts';
import { presenceChurn } from './scenarios/presence-churn.ts';
import { reconnectStorm } from './scenarios/reconnect-storm.ts';
import { Params, type ParamValue, type Scenario } from './scenarios/scenario-kit.ts';

const SCENARIOS: Scenario[] = [
  fanOut,
  manyRooms,
  idleFootprint,
  connectStorm,
  durableSync,
  reconnectStorm,
  presenceChurn,
];

/** `--key value`, `--key=value`, bare `--flag` (true). */
function parseArgs(argv: string[]): { positional: string[]; options: Record<string, ParamValue> } {
  const positional: string[] = [];
  const options: Record<string, ParamValue> = {};
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [key, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const next = argv[index + 1];
    if (inline !== undefined) options[key] = inline;
    else if (next !== undefined && !next.startsWith('--')) {
      options[key] = next;
      index++;
    } else options[key] = true;
  }
  return { positional, options };
}

function help(): void {
  console.log('usage: npm run bench -- <scenario> [--param value …]   |   npm run bench:all\n');
  for (const scenario of SCENARIOS) {
    console.log(`${scenario.name}: ${scenario.summary}`);
    console.log(
      `  defaults: ${Object.entries(scenario.defaults)
        .map(([k, v]) => `--${k} ${String(v)}`)
        .join(' ')}`,
    );
    console.log(
      `  bench:all uses: ${Object.entries(scenario.quick)
        .map(([k, v]) => `--${k} ${String(v)}`)
        .join(' ')}\n`,
    );
  }
}

async function runScenario(
  scenario: Scenario,
  values: Record<string, ParamValue>,
  command: string,
): Promise<ScenarioReport> {
  const machineAtStart = machineInfo();
  const startedMs = Date.now();
  console.log(`\n▶ ${scenario.name} (load average ${machineAtStart.loadAverage.join(' / ')})`);
  const outcome = await scenario.run(new Params(values));
  const report: ScenarioReport = {
    scenario: scenario.name,
    command,
    startedAt: new Date(startedMs).toISOString(),
    durationS: Math.round((Date.now() - startedMs) / 1000),
    machineAtStart,
    loadAverageAtEnd: machineInfo().loadAverage,
    params: values,
    ...outcome,
  };
  const { markdown } = writeReport(report, tag);
  for (const line of report.findings) console.log(`  ${line}`);
  console.log(`  → ${markdown}`);
  return report;
}

/** The command that reproduces a run (with DATABASE_URL when PostgreSQL was part of it). */
const commandLine = (args: string[]) =>
  `${process.env.DATABASE_URL ? `DATABASE_URL=${process.env.DATABASE_URL} ` : ''}npm run bench -- ${args.join(' ')}`;

const { positional, options } = parseArgs(process.argv.slice(2));
const all = options.all === true;
delete options.all;
/**
 * `--tag name`: write the reports as `<scenario>.<name>.md/.json` instead of replacing the plain ones.
 * `bench:all` tags its small runs `quick`, so the full-size reports stay.
 */
const tag = typeof options.tag === 'string' ? options.tag : all ? 'quick' : undefined;
delete options.tag;
if (options.help || (!all && positional.length === 0)) {
  help();
  process.exit(options.help ? 0 : 1);
}
const chosen = all ? SCENARIOS : SCENARIOS.filter((scenario) => positional.includes(scenario.name));
const unknown = positional.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}`);
  help();
  process.exit(1);
}
const reports: ScenarioReport[] = [];
let failed = false;
for (const scenario of chosen) {
  const values = { ...scenario.defaults, ...(all ? scenario.quick : {}), ...options };
  const explicit = Object.entries(all ? { ...scenario.quick, ...options } : options).flatMap(([key, value]) =>
    value === true ? [`--${key}`] : [`--${key}`, String(value)],
  );
  try {
    reports.push(
      await runScenario(scenario, values, commandLine([scenario.name, ...explicit, ...(tag ? ['--tag', tag] : [])])),
    );
  } catch (error) {
    failed = true;
    console.error(`✖ ${scenario.name} failed:`, error);
  }
}
if (all) console.log(`\nsummary → ${writeSummary(reports)}`);
process.exit(failed ? 1 : 0);
