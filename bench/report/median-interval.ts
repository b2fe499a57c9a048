/** The median of `values` (not mutated); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * A distribution-free 95 % confidence interval of the median of `values` (order statistics: the
 * k-th smallest and k-th largest, with k the largest for which P(Binomial(n, ½) < k) ≤ 2.5 %).
 * Needs at least 6 values; with fewer it is the whole range.
 */
export function medianInterval(values: readonly number[]): { low: number; high: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  let k = 1;
  let below = 0.5 ** n; // P(X < 1) = P(X = 0)
  let choose = 1;
  for (let next = 1; next < n; next++) {
    choose = (choose * (n - next + 1)) / next;
    const withNext = below + choose * 0.5 ** n; // P(X < next + 1)
    if (withNext > 0.025) break;
    below = withNext;
    k = next + 1;
  }
  if (below > 0.025) k = 1;
  return { low: sorted[k - 1]!, high: sorted[n - k]! };
}
