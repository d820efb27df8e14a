/**
 * The floor for benchmark 1: a trivial grammY bot that answers each update with one message.
 * It pays what any grammY bot pays on this machine (long polling with the runner, HTTP, JSON)
 * and nothing else: no database, no rendering, no middleware.
 *
 * Run by `bench/updates.ts`: `BOT_TOKEN` and `API_ROOT` in the environment. Prints
 * `floor: polling` on standard error when it polls; stops on SIGTERM.
 */
import { run } from '@grammyjs/runner';
import { Bot } from 'grammy';

const bot = new Bot(process.env['BOT_TOKEN'] ?? '', {
  client: { apiRoot: process.env['API_ROOT'] ?? '' },
});
bot.on(['message', 'callback_query'], (ctx) => ctx.reply('ok'));
bot.catch(({ error }) => process.stderr.write(`floor: update failed: ${String(error)}\n`));

// The same polling options as ours (`startTelegram`).
const runner = run(bot, {
  runner: {
    fetch: { timeout: 30, allowed_updates: ['message', 'callback_query', 'my_chat_member'] },
    silent: true,
  },
});
process.stderr.write('floor: polling\n');
process.once('SIGTERM', () => {
  void (async () => {
    if (runner.isRunning()) await runner.stop();
    process.exit(0);
  })();
});
