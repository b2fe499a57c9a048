import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MachineInfo } from './machine-info.ts';

export type Cell = string | number | boolean | null | undefined;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
}

/** Everything one scenario run produced; written as `bench/results/<scenario>.json` and `.md`. */
export interface ScenarioReport {
  scenario: string;
  /** The exact command that reproduces this run. */
  command: string;
  startedAt: string;
  durationS: number;
  machineAtStart: MachineInfo;
  loadAverageAtEnd: number[];
  params: Record<string, unknown>;
  tables: Table[];
  /** Target checks and anomalies, one line each (`PASS …`, `MISS …`, `FLAG …`). */
  findings: string[];
  notes: string[];
  /** Raw figures per step for tooling. */
  data: unknown;
}

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** Writes `<scenario>[.<tag>].json` and `.md` under bench/results/ (a tag keeps variants apart, e.g. `postgres`). */
export function writeReport(report: ScenarioReport, tag?: string): { json: string; markdown: string } {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const base = `${RESULTS_DIR}${report.scenario}${tag ? `.${tag.replace(/[^A-Za-z0-9_-]/g, '_')}` : ''}`;
  const json = `${base}.json`;
  const markdown = `${base}.md`;
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, renderMarkdown(report));
  return { json, markdown };
}

export function renderMarkdown(report: ScenarioReport): string {
  const machine = report.machineAtStart;
  const lines = [
    `# ${report.scenario}`,
    '',
    `Command: \`${report.command}\``,
    '',
    `Run ${report.startedAt}, ${report.durationS} s. Machine: ${machine.cpus} × ${machine.cpuModel}, ${formatBytes(machine.totalMemoryBytes)} RAM, Node ${machine.nodeVersion}, ${machine.platform}. ` +
      `Load average at start ${machine.loadAverage.join(' / ')}, at end ${report.loadAverageAtEnd.join(' / ')} (1/5/15 min; the machine is shared — above ${machine.cpus} the figures are noisy).`,
    '',
    `Parameters: ${Object.entries(report.params)
      .map(([key, value]) => `\`${key}=${String(value)}\``)
      .join(', ')}`,
    '',
  ];
  for (const table of report.tables) lines.push(...renderTable(table), '');
  if (report.findings.length > 0) lines.push('## Findings', '', ...report.findings.map((line) => `- ${line}`), '');
  if (report.notes.length > 0) lines.push('## Notes', '', ...report.notes.map((line) => `- ${line}`), '');
  return `${lines.join('\n')}\n`;
}

export function renderTable(table: Table): string[] {
  const header = `| ${table.columns.join(' | ')} |`;
  const rule = `|${table.columns.map(() => '---').join('|')}|`;
  const rows = table.rows.map(
    (row) => `| ${row.map((cell) => (cell === undefined || cell === null ? '' : String(cell))).join(' | ')} |`,
  );
  return [`## ${table.title}`, '', header, rule, ...rows];
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** A whole number with thousands separators. */
export const formatCount = (value: number): string => Math.round(value).toLocaleString('en-US');
