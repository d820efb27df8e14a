/**
 * The peer for benchmark 4: the X/Grok walkthrough written the way most grammY developers
 * would, with `@grammyjs/conversations` (one conversation function that waits for each button)
 * and sessions in SQLite. Same polling as ours (the runner, per-chat `sequentialize`,
 * auto-retry) and the same database settings (WAL, `synchronous = NORMAL`), so that the
 * comparison is about the design, not about settings.
 *
 * Run by `bench/peer-walkthrough.ts`: `PEER_DB`, `BOT_TOKEN`, `API_ROOT` in the environment.
 * Prints `peer: polling` on standard error when it polls; stops on SIGTERM.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import {
  conversations,
  createConversation,
  type Conversation,
  type ConversationFlavor,
} from '@grammyjs/conversations';
import { run, sequentialize } from '@grammyjs/runner';
import BetterSqlite3 from 'better-sqlite3';
import { Bot, InlineKeyboard, session, type Context, type SessionFlavor } from 'grammy';
import { SqliteStorage, type PeerSession } from './sqlite-storage.js';

type OutsideContext = ConversationFlavor<Context & SessionFlavor<PeerSession>>;
type GrokConversation = Conversation<OutsideContext, Context>;

const title = '<b>X: stop Grok training on your posts</b>';
const settingsUrl = 'https://x.com/settings/grok_settings';
const steps = [
  "Open X's Grok settings with the link below (sign in if X asks). Or find it yourself: Settings and privacy › Privacy and safety › Data sharing and personalization › Grok &amp; Third-party Collaborators.",
  'Under “Grok &amp; Third-party Collaborators”, find the box that starts with “Allow your public data as well as your interactions, inputs, and results with Grok and xAI…” and untick it. X ticks it for everyone by default.',
  'This step is optional.\n\nYou can also delete your past chats with Grok: on the same page, tap “Delete conversation history” and confirm. According to X, they are removed within 30 days.',
  'Last check: open the setting again or reload the page. Is the box still unticked? If so, press ✅ Done.',
];
const doneText = [
  'Well done! Your X setting now tells X not to use your posts to train Grok.',
  "What this does not do:\n\n• It can't take back posts that were already used for training.\n\n• Grok's own site and apps (grok.com) reportedly have a separate setting, “Improve the Model”.\n\n• In the EU, X agreed in 2024 to stop using posts from May to August 2024 for Grok. What this switch does there today isn't clear from public sources.",
  "Also good to know:\n\n• Another option: protect your posts (private account). In 2024 X said protected posts were not used for Grok, but its newer terms don't repeat this, so it isn't certain.",
  "Platforms sometimes reset this switch. I'll remind you to check it in 30 days.",
].join('\n\n');
const thirtyDaysMs = 30 * 86_400_000;

type Mark = 'todo' | 'done' | 'skipped' | 'cant';
const symbols: Record<Mark, string> = { todo: '⬜', done: '✅', skipped: '⏭️', cant: '❓' };

function stepText(index: number, marks: readonly Mark[]): string {
  const bar = marks.map((m) => symbols[m]).join(' ');
  return `${title}\nStep ${index + 1} of ${steps.length}  ${bar}\n\n${steps[index] ?? ''}`;
}

function stepKeyboard(index: number): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (index === 0 || index === steps.length - 1)
    keyboard.url('Open the setting', settingsUrl).row();
  keyboard.text('✅ Done', 'done');
  if (index > 0) keyboard.text('⬅️ Back', 'back');
  return keyboard.row().text('Skip', 'skip').text("I can't find it", 'cant');
}

const options = (keyboard?: InlineKeyboard) => ({
  parse_mode: 'HTML' as const,
  link_preview_options: { is_disabled: true },
  ...(keyboard ? { reply_markup: keyboard } : {}),
});

/** The walkthrough: one message, edited in place at each button press. */
async function grokOptout(conversation: GrokConversation, ctx: Context): Promise<void> {
  const marks: Mark[] = steps.map(() => 'todo');
  let index = 0;
  await ctx.reply(stepText(index, marks), options(stepKeyboard(index)));
  for (;;) {
    const press = await conversation.waitForCallbackQuery(['done', 'back', 'skip', 'cant'], {
      otherwise: (other) => other.reply('Please use the buttons, or send /grok_optout again.'),
    });
    const move = press.callbackQuery.data;
    if (move === 'back') index = Math.max(0, index - 1);
    else {
      marks[index] = move === 'done' ? 'done' : move === 'skip' ? 'skipped' : 'cant';
      index += 1;
    }
    await press.answerCallbackQuery();
    if (index < steps.length) {
      await press.editMessageText(stepText(index, marks), options(stepKeyboard(index)));
      continue;
    }
    const completedAt = await conversation.now();
    await conversation.external((outside) => {
      outside.session.grok = { completedAt, remindAt: completedAt + thirtyDaysMs };
    });
    await press.editMessageText(
      `${title}\nAll done ✅  ${marks.map((m) => symbols[m]).join(' ')}\n\n${doneText}`,
      options(),
    );
    return;
  }
}

const token = process.env['BOT_TOKEN'] ?? '';
const apiRoot = process.env['API_ROOT'] ?? '';
const db = new BetterSqlite3(process.env['PEER_DB'] ?? 'peer.sqlite');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');

const bot = new Bot<OutsideContext>(token, { client: { apiRoot } });
bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
bot.use(sequentialize((ctx) => String(ctx.chat?.id ?? ctx.from?.id ?? '')));
bot.use(session({ initial: (): PeerSession => ({}), storage: new SqliteStorage(db, 'sessions') }));
bot.use(
  conversations<OutsideContext, Context>({
    storage: { type: 'key', adapter: new SqliteStorage(db, 'conversations') },
  }),
);
bot.use(createConversation(grokOptout));
bot.command('grok_optout', (ctx) => ctx.conversation.enter('grokOptout'));
bot.on('callback_query:data', (ctx) =>
  ctx.answerCallbackQuery({ text: 'This button is out of date.' }),
);
bot.catch(({ error }) => process.stderr.write(`peer: update failed: ${String(error)}\n`));

const runner = run(bot, {
  runner: {
    fetch: { timeout: 30, allowed_updates: ['message', 'callback_query', 'my_chat_member'] },
    silent: true,
  },
});
process.stderr.write('peer: polling\n');
process.once('SIGTERM', () => {
  void (async () => {
    if (runner.isRunning()) await runner.stop();
    db.close();
    process.exit(0);
  })();
});
