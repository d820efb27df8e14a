import type { ApiErrorShape, FaultDecider } from './types.js';

/** Injected faults per lower-cased method: queued answers first, then deciders. */
export class FaultBook {
  private readonly queued = new Map<string, { response: ApiErrorShape; remaining: number }[]>();
  private readonly deciders = new Map<string, FaultDecider[]>();

  /** Queues `response` for the next `times` calls of `method`. */
  add(method: string, response: ApiErrorShape, times: number): void {
    const key = method.toLowerCase();
    this.queued.set(key, [...(this.queued.get(key) ?? []), { response, remaining: times }]);
  }

  /** Adds a per-call decider for `method`. */
  addDecider(method: string, decide: FaultDecider): void {
    const key = method.toLowerCase();
    this.deciders.set(key, [...(this.deciders.get(key) ?? []), decide]);
  }

  /** The fault for this call of `method`, consuming a queued one; undefined to process normally. */
  take(method: string, params: Record<string, unknown>): ApiErrorShape | undefined {
    const queue = this.queued.get(method);
    const next = queue?.[0];
    if (queue !== undefined && next !== undefined) {
      next.remaining -= 1;
      if (next.remaining <= 0) queue.shift();
      return next.response;
    }
    for (const decide of this.deciders.get(method) ?? []) {
      const decided = decide(params);
      if (decided !== undefined) return decided;
    }
    return undefined;
  }
}
