/** Small statistics and formatting helpers shared by the benchmarks. */

/** The `p`-th percentile (0–100) of `values` by the nearest-rank method; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
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
