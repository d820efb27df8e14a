import type { Database } from 'better-sqlite3';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DispatchStats } from './dispatcher.js';
import type { ServiceEvent, WalkthroughService } from './service.js';

/** The Prometheus metrics of one process, on their own registry (no global state). */
export interface Metrics {
  readonly registry: Registry;
  /** Counts one handled update and how long it took. */
  observeUpdate(platform: string, outcome: 'ok' | 'error', seconds: number): void;
  /** Counts the walkthroughs a request started or completed. */
  observeEvents(events: readonly ServiceEvent[]): void;
  /** Counts the reminders one dispatcher pass sent or failed. */
  observeDispatch(platform: string, stats: DispatchStats): void;
}

/**
 * Creates the metrics. `pending` is read at each scrape (the reminders waiting in the database,
 * shared by every process on it), so it needs no bookkeeping here.
 */
export function createMetrics(options: { readonly pending?: () => number } = {}): Metrics {
  const registry = new Registry();
  const updates = new Counter({
    name: 'optout_updates_handled_total',
    help: 'Platform updates (Telegram updates, Discord interactions) handled, by platform and outcome',
    labelNames: ['platform', 'outcome'] as const,
    registers: [registry],
  });
  const handling = new Histogram({
    name: 'optout_update_handling_seconds',
    help: 'Time from receiving an update to finishing its handling',
    labelNames: ['platform'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const walkthroughs = new Counter({
    name: 'optout_walkthroughs_total',
    help: 'Walkthroughs started or completed',
    labelNames: ['event'] as const,
    registers: [registry],
  });
  const reminders = new Counter({
    name: 'optout_reminders_total',
    help: 'Reminder deliveries sent, or refused by the platform (retried or paused), by platform',
    labelNames: ['platform', 'result'] as const,
    registers: [registry],
  });
  const pending = options.pending;
  new Gauge({
    name: 'optout_reminders_pending',
    help: 'Reminders waiting in the database (due or not), across every process sharing it',
    // The same count in every process: aggregating processes (Discord shards) must not add it up.
    aggregator: 'max',
    registers: [registry],
    collect() {
      if (pending) this.set(pending());
    },
  });
  for (const event of ['started', 'completed']) walkthroughs.inc({ event }, 0);
  return {
    registry,
    observeUpdate(platform, outcome, seconds) {
      updates.inc({ platform, outcome });
      handling.observe({ platform }, seconds);
    },
    observeEvents(events) {
      for (const event of events) {
        if (event.type === 'started' || event.type === 'completed') {
          walkthroughs.inc({ event: event.type });
        }
      }
    },
    observeDispatch(platform, stats) {
      if (stats.sent > 0) reminders.inc({ platform, result: 'sent' }, stats.sent);
      if (stats.failed > 0) reminders.inc({ platform, result: 'failed' }, stats.failed);
    },
  };
}

/** Counts reminders still to send (not paused), read straight from the database at each scrape. */
export function pendingReminders(db: Database): () => number {
  const statement = db.prepare('SELECT count(*) AS n FROM reminders WHERE paused = 0');
  return () => (statement.get() as { n: number }).n;
}

/**
 * Wraps the service so every reply's events reach the metrics; the service itself (and the pure
 * core under it) knows nothing about metrics.
 */
export function countingEvents(service: WalkthroughService, metrics: Metrics): WalkthroughService {
  return new Proxy(service, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        const result: unknown = value.apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.then((reply: unknown) => {
          if (typeof reply === 'object' && reply !== null && 'events' in reply) {
            metrics.observeEvents((reply as { events: readonly ServiceEvent[] }).events);
          }
          return reply;
        });
      };
    },
  });
}
