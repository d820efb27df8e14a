/**
 * One trial of benchmark 5 for the peer, in its own process: the usual way to schedule
 * reminders in Node, BullMQ delayed jobs on Redis. Enqueue `COUNT` delayed jobs (one
 * `queue.add` each, as a bot would when a user finishes a walkthrough), then start a worker and
 * time until every job has run. The processor only counts, like ours' messenger.
 *
 * Environment: `REDIS_PORT`, `COUNT`, `CONCURRENCY` (the worker's; BullMQ's default is 1).
 * Prints one line `RESULT {json}` on standard output.
 */
import { Queue, Worker } from 'bullmq';
import { sleep } from '../lib/proc.js';

const connection = { host: '127.0.0.1', port: Number(process.env['REDIS_PORT'] ?? 6379) };
const count = Number(process.env['COUNT'] ?? 0);
const concurrency = Number(process.env['CONCURRENCY'] ?? 1);
const queue = new Queue('reminders', { connection });
await queue.obliterate({ force: true });

const cpu0 = process.cpuUsage();
const enqueueStart = performance.now();
for (let userId = 1; userId <= count; userId += 1) {
  await queue.add(
    'recheck',
    { userId, guideId: 'x-grok' },
    { delay: 1, removeOnComplete: true, removeOnFail: true },
  );
}
const enqueueMs = performance.now() - enqueueStart;
await sleep(5); // every job is due now

let fired = 0;
let allFired = (): void => undefined;
const done = new Promise<void>((resolve) => (allFired = resolve));
const fireStart = performance.now();
const worker = new Worker(
  'reminders',
  () => {
    fired += 1;
    if (fired === count) allFired();
    return Promise.resolve();
  },
  { connection, concurrency },
);
const timeout = sleep(600_000).then(() => 'timeout' as const);
const outcome = await Promise.race([done.then(() => 'done' as const), timeout]);
const fireMs = performance.now() - fireStart;
await worker.close();
await queue.obliterate({ force: true });
await queue.close();
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `RESULT ${JSON.stringify({ enqueueMs, fireMs, fired, outcome, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`,
);
process.exit(0);
