import type { MetricObjectWithValues, MetricValue } from 'prom-client';

/**
 * The exit code of a shard process that must not be started again: Discord refused it for good
 * (a refused token, a session closed with a fatal code) or it could not start at all. Any other
 * exit of a running shard is a crash, and the manager starts the shard again. (78 is EX_CONFIG.)
 */
export const shardFatalExitCode = 78;

/** One process's metrics, as `registry.getMetricsAsJSON()` gives them. */
export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/** Messages between the manager and its shard processes, besides discord.js's own. */
export type ShardMessage =
  /** Shard → manager, just before it exits with {@link shardFatalExitCode}: what to tell the operator. */
  | { readonly type: 'optout:fatal'; readonly message: string }
  /** Manager → shard: send your metrics. */
  | { readonly type: 'optout:metrics?'; readonly id: number }
  /** Shard → manager: the answer to the request `id`. */
  | { readonly type: 'optout:metrics'; readonly id: number; readonly metrics: MetricsJson };

/** Narrows an IPC message (untrusted shape: discord.js sends its own on the same channel). */
export function asShardMessage(message: unknown): ShardMessage | undefined {
  if (typeof message !== 'object' || message === null || !('type' in message)) return undefined;
  const m = message as Record<string, unknown>;
  switch (m['type']) {
    case 'optout:fatal':
      return typeof m['message'] === 'string'
        ? { type: 'optout:fatal', message: m['message'] }
        : undefined;
    case 'optout:metrics?':
      return typeof m['id'] === 'number' ? { type: 'optout:metrics?', id: m['id'] } : undefined;
    case 'optout:metrics':
      return typeof m['id'] === 'number' && Array.isArray(m['metrics'])
        ? { type: 'optout:metrics', id: m['id'], metrics: m['metrics'] as MetricsJson }
        : undefined;
    default:
      return undefined;
  }
}
