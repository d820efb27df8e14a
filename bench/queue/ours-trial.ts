/**
 * One trial of benchmark 5 for ours, in its own process: enqueue `COUNT` re-check reminders
 * (one store transaction each, as the service schedules them), then run the real dispatcher
 * until every one of them has fired. The messenger only counts (no platform, no rate limit),
 * so what is measured is the queue: claims, leases, planning and resolution in SQLite.
 *
 * Environment: `DB_PATH` (users 1..COUNT who completed X/Grok), `COUNT`. Prints one line
 * `RESULT {json}` on standard output.
 */
import { basename, dirname } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/app/config.js';
import { createDispatcher } from '../../src/app/dispatcher.js';
import type { Messenger } from '../../src/app/messenger.js';
import { createTestApp } from '../../tests/helpers/app.js';
import { sleep } from '../lib/proc.js';

const path = process.env['DB_PATH'] ?? '';
const count = Number(process.env['COUNT'] ?? 0);
const defaults = loadConfig({});
const app = createTestApp(dirname(path), { file: basename(path), now: Date.now });

const cpu0 = process.cpuUsage();
const enqueueStart = performance.now();
for (let userId = 1; userId <= count; userId += 1) {
  const dueAt = Date.now() + 1;
  await app.store.transaction((repos) =>
    repos.reminders.schedule(userId, 'x-grok', 'recheck', dueAt),
  );
}
const enqueueMs = performance.now() - enqueueStart;
await sleep(5); // every reminder is due now

let fired = 0;
let allFired = (): void => undefined;
const done = new Promise<void>((resolve) => (allFired = resolve));
const messenger: Messenger = {
  platform: 'telegram',
  deliver: () => {
    fired += 1;
    if (fired === count) allFired();
    return Promise.resolve({ type: 'sent' });
  },
};
const dispatcher = createDispatcher({
  store: app.store,
  catalog: app.catalog,
  messengers: [messenger],
  // Unthrottled, as the BullMQ worker is: the queue's own speed is what is compared.
  rates: { telegram: { perSecond: 1_000_000_000, perChatMs: 1000 } },
  intervals: app.intervals,
  log: pino({ level: 'silent' }),
  batch: defaults.REMINDER_BATCH,
  leaseMs: defaults.REMINDER_LEASE,
});
const fireStart = performance.now();
dispatcher.start();
const timeout = sleep(600_000).then(() => 'timeout' as const);
const outcome = await Promise.race([done.then(() => 'done' as const), timeout]);
const fireMs = performance.now() - fireStart;
await dispatcher.stop();
app.close();
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `RESULT ${JSON.stringify({ enqueueMs, fireMs, fired, outcome, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`,
);
process.exit(0);
