import { writeFileSync } from 'node:fs';
import { machineInfo } from './machine-info.ts';
import { RESULTS_DIR, renderTable, type ScenarioReport } from './scenario-report.ts';

/** `bench/results/summary.md`: every scenario's headline table and findings, for `bench:all`. */
export function writeSummary(reports: readonly ScenarioReport[]): string {
  const machine = machineInfo();
  const lines = [
    '# Benchmark summary (`npm run bench:all`)',
    '',
    `Finished ${new Date().toISOString()} on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.nodeVersion}; load average now ${machine.loadAverage.join(' / ')}.`,
    "Each scenario's full report is `<scenario>.quick.md` / `.json` next to this file; the full-size runs (`npm run bench -- <scenario>`) are `<scenario>.md`.",
    '',
  ];
  for (const report of reports) {
    lines.push(
      `# ${report.scenario}`,
      '',
      `\`${report.command}\` — ${report.durationS} s, load average ${report.machineAtStart.loadAverage[0]} → ${report.loadAverageAtEnd[0]}`,
      '',
    );
    const headline = report.tables[0];
    if (headline) lines.push(...renderTable(headline).map((line) => line.replace(/^## /, '### ')), '');
    lines.push(...report.findings.map((line) => `- ${line}`), '');
  }
  const file = `${RESULTS_DIR}summary.md`;
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
