/**
 * Benchmark 2: reminder claim and dispatch.
 *
 * On a database of 1,000,000 users who all have a re-check reminder, 10,000 of which are due:
 * the claim (the store's `claimDue`, keys and leases only, as the dispatcher runs it) timed 20
 * times; then the real dispatcher with the real Telegram messenger, at the configured default
 * rate, against the fake Bot API enforcing Telegram's 30 messages/s (429 beyond).
 */
import { basename, dirname } from 'node:path';
import { pino } from 'pino';
import { createDispatcher } from '../src/app/dispatcher.js';
import { loadConfig } from '../src/app/config.js';
import { createTelegramMessenger } from '../src/bots/telegram/messenger.js';
import { startFakeTelegram } from '../tests/fakes/telegram/server.js';
import { createTestApp } from '../tests/helpers/app.js';
import { othersMeter, waitForQuiet } from './lib/machine-load.js';
import { log, machine, pickUsers, runPart, size, smoke } from './lib/part.js';
import { selfCpuMeter, sleep } from './lib/proc.js';
import { isFresh, oursDatabase, scratchDir, telegramId } from './lib/seed.js';
import { fmt, median, ms, table, verdict } from './lib/stats.js';

const config = {
  users: size(1_000_000, 5_000),
  due: size(10_000, 500),
  runs: size(20, 5),
  /** How long the dispatcher sends (the rate is what is measured, not the time to send all). */
  dispatchMs: size(120_000, 3_000),
  telegramLimit: 30,
};

runPart('reminders', async () => {
  const scratch = scratchDir('reminders');
  try {
    const path = await oursDatabase(scratch.dir, config.users);
    const defaults = loadConfig({});
    const app = createTestApp(dirname(path), { file: basename(path), now: Date.now });
    const dueIndexes = pickUsers(config.users, config.due, (i) => !isFresh(i), 11);
    const now = Date.now();
    const makeDue = app.db.prepare(
      "UPDATE reminders SET due_at = ? WHERE user_id = ? AND guide_id = 'x-grok'",
    );
    app.db.transaction(() => {
      dueIndexes.forEach((index, n) => makeDue.run(now - 3_600_000 + n, index + 1));
    })();
    log(`${config.due} of ${config.users} reminders made due in ${path}`);

    const quiet = await waitForQuiet();
    const owner = 'bench-claim';
    /** Times one claim of up to `limit` due reminders, then gives them back (not timed). */
    const claimOnce = async (limit: number): Promise<{ ms: number; claimed: number }> => {
      const at = Date.now();
      const started = performance.now();
      const claims = await app.store.transaction((repos) =>
        repos.reminders.claimDue('telegram', at, limit, at + defaults.REMINDER_LEASE, owner),
      );
      const elapsed = performance.now() - started;
      await app.store.transaction((repos) => repos.reminders.release(owner, Date.now()));
      return { ms: elapsed, claimed: claims.length };
    };
    const claimRuns = async (limit: number) => {
      const runs: { ms: number; claimed: number }[] = [];
      for (let run = 0; run < config.runs; run += 1) runs.push(await claimOnce(limit));
      return runs;
    };
    // The first claim reads cold pages; it is reported on its own, then included in the runs.
    const claimOthers = othersMeter(() => []);
    const all = await claimRuns(config.due);
    const batch = await claimRuns(defaults.REMINDER_BATCH);
    const claimOthersPercent = claimOthers.stop();
    const allMedian = median(all.map((r) => r.ms));
    const batchMedian = median(batch.map((r) => r.ms));
    log(
      `claim of ${config.due}: median ${ms(allMedian)}; of ${defaults.REMINDER_BATCH}: ${ms(batchMedian)}`,
    );

    const fake = await startFakeTelegram({ limits: { globalPerSecond: config.telegramLimit } });
    for (const index of dueIndexes) {
      fake.markStarted(
        fake.user({ id: telegramId(index), firstName: 'Reader', languageCode: 'en' }),
      );
    }
    const rate = defaults.TELEGRAM_RATE;
    const dispatcher = createDispatcher({
      store: app.store,
      catalog: app.catalog,
      messengers: [
        createTelegramMessenger({
          token: fake.token,
          apiRoot: fake.apiRoot,
          localizer: app.localizer,
        }),
      ],
      rates: { telegram: { perSecond: rate, perChatMs: 1000 } },
      intervals: app.intervals,
      log: pino({ level: 'silent' }),
      batch: defaults.REMINDER_BATCH,
      leaseMs: defaults.REMINDER_LEASE,
    });
    await waitForQuiet(60_000);
    const cpu = selfCpuMeter();
    const dispatchOthers = othersMeter(() => []);
    dispatcher.start();
    await sleep(config.dispatchMs);
    await dispatcher.stop();
    const cpuPercent = cpu.stop();
    const dispatchOthersPercent = dispatchOthers.stop();
    const sends = fake.calls.filter((c) => c.method === 'sendmessage');
    const sent = sends.filter((c) => c.outcome === 'ok');
    const tooMany = sends.filter((c) => !c.response.ok && c.response.error_code === 429).length;
    const first = sent[0]?.receivedAt ?? Number.NaN;
    const last = sent.at(-1)?.receivedAt ?? Number.NaN;
    const achieved = ((sent.length - 1) * 1000) / (last - first);
    const reminderTexts = sent.filter((c) =>
      String(c.params['text']).includes('quick check'),
    ).length;
    const { n: stillDue } = app.db
      .prepare('SELECT count(*) AS n FROM reminders WHERE due_at <= ? AND paused = 0')
      .get(Date.now()) as { n: number };
    await fake.close();
    app.close();
    log(`dispatch: ${sent.length} sent, ${fmt(achieved)} /s, ${tooMany} × 429`);

    const achievedShare = achieved / rate;
    return [
      `## 2. Reminder claim and dispatch${smoke ? ' (smoke size: not a measurement)' : ''}`,
      '',
      `Machine: ${machine()}. ${config.users.toLocaleString('en')} users, each with a re-check reminder; ${config.due.toLocaleString('en')} due (spread over the last hour). Other programs used ${fmt(quiet, 0)} % of a core just before the measurements.`,
      '',
      `Claim: one \`claimDue\` transaction (one statement: the due reminders' keys selected on the partial index, skipping live leases, sorted, and leased all at once in the small lease table; the big reminders table is not written, and what each send needs is read at the send), ${config.runs} runs each, claims given back between runs (not timed).`,
      '',
      table(
        ['claim', 'median', 'min', 'max', 'first (cold)', 'target'],
        [
          [
            `all ${config.due.toLocaleString('en')} due at once`,
            ms(allMedian),
            ms(Math.min(...all.map((r) => r.ms))),
            ms(Math.max(...all.map((r) => r.ms))),
            ms(all[0]?.ms ?? Number.NaN),
            `< 50 ms: ${verdict(allMedian < 50)}`,
          ],
          [
            `one batch (REMINDER_BATCH = ${defaults.REMINDER_BATCH})`,
            ms(batchMedian),
            ms(Math.min(...batch.map((r) => r.ms))),
            ms(Math.max(...batch.map((r) => r.ms))),
            ms(batch[0]?.ms ?? Number.NaN),
            '',
          ],
        ],
      ),
      '',
      `Claimed per run: ${all[0]?.claimed ?? 0} and ${batch[0]?.claimed ?? 0}. Other programs used ${fmt(claimOthersPercent, 0)} % of a core during the claims.`,
      '',
      `Dispatch: the real dispatcher and Telegram messenger at the default TELEGRAM_RATE (${rate}/s), batches of ${defaults.REMINDER_BATCH}, for ${config.dispatchMs / 1000} s, against the fake enforcing ${config.telegramLimit} messages/s.`,
      '',
      table(
        ['sent', 'achieved rate', 'of configured', 'target', '429 received', 'process CPU %'],
        [
          [
            String(sent.length),
            `${fmt(achieved)} /s`,
            `${fmt(achievedShare * 100, 1)} %`,
            `≥ 95 %, zero 429: ${verdict(achievedShare >= 0.95 && tooMany === 0)}`,
            String(tooMany),
            fmt(cpuPercent, 1),
          ],
        ],
      ),
      '',
      `Sent messages that were reminders: ${reminderTexts} of ${sent.length}; reminders still due after the dispatcher stopped: ${stillDue} (of ${config.due}). The process CPU includes the fake server. Other programs used ${fmt(dispatchOthersPercent, 0)} % of a core meanwhile.`,
      '',
    ].join('\n');
  } finally {
    scratch.cleanup();
  }
});
