import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/app/metrics.js';
import { createUpdateTracker } from '../../src/app/updates.js';

const quiet = pino({ level: 'silent' });

describe('createUpdateTracker', () => {
  it('waits for the updates in flight, and counts them with their outcome', async () => {
    const metrics = createMetrics();
    const tracker = createUpdateTracker({ log: quiet, metrics });
    let finish: () => void = () => undefined;
    const slow = tracker.track('telegram', '/start', () => new Promise<void>((r) => (finish = r)));
    await expect(
      tracker.track('telegram', 'x', () => Promise.reject(new Error('no'))),
    ).rejects.toThrow('no');
    expect(tracker.inFlight()).toBe(1);
    const drained = tracker.drain(5_000);
    finish();
    await slow;
    expect(await drained).toBe(true);
    const text = await metrics.registry.metrics();
    expect(text).toContain('optout_updates_handled_total{platform="telegram",outcome="ok"} 1');
    expect(text).toContain('optout_updates_handled_total{platform="telegram",outcome="error"} 1');
  });

  it('gives up after the time limit, saying so', async () => {
    const tracker = createUpdateTracker({ log: quiet });
    void tracker.track('discord', 'slash', () => new Promise<void>(() => undefined));
    expect(await tracker.drain(20)).toBe(false);
    expect(tracker.inFlight()).toBe(1);
  });
});
