/** Small statistics and formatting helpers shared by the benchmarks. */

/** The nearest rank (1…n) of the `p`-th percentile (0–100) among `n` sorted values. */
const nearestRank = (p: number, n: number): number =>
  Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));

/** The `p`-th percentile (0–100) of `values` by the nearest-rank method; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[nearestRank(p, sorted.length) - 1] ?? Number.NaN;
}

/** The median of `values` (the 50th percentile). */
export const median = (values: readonly number[]): number => percentile(values, 50);

/** p50, p95 and p99 of a sample, with its size. */
export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
  };
}

/** A seeded generator of uniform numbers in [0, 1) (mulberry32): the same seed, the same draws. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The `p`-th percentile (nearest rank) of one bootstrap resample of `sorted` (ascending): as many
 * values drawn again with replacement. Only how often each position is drawn matters, so the
 * resample is counted rather than sorted.
 */
function resampledPercentile(sorted: readonly number[], p: number, random: () => number): number {
  const n = sorted.length;
  const counts = new Uint32Array(n);
  for (let i = 0; i < n; i += 1) {
    const drawn = Math.floor(random() * n);
    counts[drawn] = (counts[drawn] ?? 0) + 1;
  }
  const rank = nearestRank(p, n);
  let seen = 0;
  for (let i = 0; i < n; i += 1) {
    seen += counts[i] ?? 0;
    if (seen >= rank) return sorted[i] ?? Number.NaN;
  }
  return sorted[n - 1] ?? Number.NaN;
}

/**
 * How far the ratio of two samples' `p`-th percentiles moves from sampling alone: the 2.5th and
 * 97.5th percentiles of that ratio over `resamples` bootstrap resamples of both samples (a 95 %
 * interval). It says nothing of what changes between runs (the machine's other work), only
 * whether a run's sample was large enough for its ratio to mean much. Seeded: a report computed
 * again from the same latencies shows the same interval.
 */
export function ratioInterval(
  numerator: readonly number[],
  denominator: readonly number[],
  p: number,
  options: { readonly resamples?: number; readonly seed?: number } = {},
): { readonly low: number; readonly high: number } {
  if (numerator.length === 0 || denominator.length === 0) {
    return { low: Number.NaN, high: Number.NaN };
  }
  const random = seededRandom(options.seed ?? 1);
  const a = [...numerator].sort((x, y) => x - y);
  const b = [...denominator].sort((x, y) => x - y);
  const ratios = Array.from(
    { length: options.resamples ?? 1000 },
    () => resampledPercentile(a, p, random) / resampledPercentile(b, p, random),
  );
  return { low: percentile(ratios, 2.5), high: percentile(ratios, 97.5) };
}

/** A number with a fixed count of decimals, or `n/a`. */
export function fmt(value: number, decimals = 2): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : 'n/a';
}

/** Milliseconds as `1.23 ms`. */
export const ms = (value: number, decimals = 2): string => `${fmt(value, decimals)} ms`;

/** Bytes as mebibytes, `87.1 MB` (MiB, as `free -h` and /proc count). */
export const mb = (bytes: number): string => `${fmt(bytes / 1024 / 1024, 1)} MB`;

/** `a / b` as `1.23×`. */
export const ratio = (a: number, b: number): string => `${fmt(a / b, 2)}×`;

/** A Markdown table from a header row and rows of cells. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Whether a target is met, for the report: `met` / `MISSED`. */
export const verdict = (met: boolean): string => (met ? 'met' : '**MISSED**');
