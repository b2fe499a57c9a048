/** One sample of the Prometheus text exposition format: metric name, labels, value. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the server's GET /metrics text (comments and malformed lines are skipped, never thrown). */
export function parsePrometheusText(text: string): PromSample[] {
  const samples: PromSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (!match?.[1] || match[4] === undefined) continue;
    const value = Number(match[4]);
    if (!Number.isFinite(value)) continue;
    const labels: Record<string, string> = {};
    for (const label of (match[3] ?? '').matchAll(LABEL)) {
      if (label[1]) labels[label[1]] = (label[2] ?? '').replace(/\\(.)/g, '$1');
    }
    samples.push({ name: match[1], labels, value });
  }
  return samples;
}

/** Sum of every sample of one metric (all nodes, all label values); null when the metric is absent. */
export function sumOf(samples: readonly PromSample[], name: string): number | null {
  let found = false;
  let total = 0;
  for (const sample of samples) {
    if (sample.name !== name) continue;
    found = true;
    total += sample.value;
  }
  return found ? total : null;
}

/**
 * Sum of the samples of one metric whose `label` has `value` (e.g. the app's analytics gauges carry
 * `tenant="*"` for the whole system beside one series per tenant); null when there is none.
 */
export function sumWhere(samples: readonly PromSample[], name: string, label: string, value: string): number | null {
  return sumOf(
    samples.filter((sample) => sample.labels[label] === value),
    name,
  );
}

/** Mean of one metric's samples with `label` = `value` over nodes (for ratios); null when absent. */
export function meanWhere(samples: readonly PromSample[], name: string, label: string, value: string): number | null {
  const matching = samples.filter((sample) => sample.name === name && sample.labels[label] === value);
  if (matching.length === 0) return null;
  return matching.reduce((total, sample) => total + sample.value, 0) / matching.length;
}
