import { Api, Composer, Context } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LeanComposer } from '../../../src/bots/telegram/lean-composer.js';

const me: UserFromGetMe = {
  id: 1,
  is_bot: true,
  first_name: 'Bot',
  username: 'test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};
const api = new Api('1:TOKEN');

function textUpdate(id: number, chat: 'private' | 'group', text: string): Update {
  const from = { id: 7, is_bot: false, first_name: 'Ann' };
  const at =
    chat === 'private'
      ? { id: 7, type: 'private' as const, first_name: 'Ann' }
      : {
          id: -5,
          type: 'group' as const,
          title: 'Artists',
        };
  const command = /^\/\w+/.exec(text)?.[0].length;
  return {
    update_id: id,
    message: {
      message_id: id,
      date: 0,
      chat: at,
      from,
      text,
      ...(command === undefined
        ? {}
        : { entities: [{ type: 'bot_command', offset: 0, length: command }] }),
    },
  };
}

function pressUpdate(id: number, data: string): Update {
  return {
    update_id: id,
    callback_query: {
      id: String(id),
      from: { id: 7, is_bot: false, first_name: 'Ann' },
      chat_instance: '1',
      data,
    },
  };
}

/** The same routes as the bot's shape: chat types, commands in them, a catch-all, presses. */
function routesOn(root: Composer<Context>, seen: string[]): void {
  const privateChat = root.chatType('private');
  const groups = root.chatType(['group', 'supergroup']);
  privateChat.command('start', () => void seen.push('private /start'));
  groups.command(['start', 'help'], () => void seen.push('group command'));
  root.filter(
    async (ctx) => (await Promise.resolve(ctx.callbackQuery?.data)) === 'slow',
    () => void seen.push('async predicate'),
  );
  root.on('callback_query:data', (ctx, next) => {
    seen.push(`press ${ctx.callbackQuery.data}`);
    return ctx.callbackQuery.data === 'pass on' ? next() : undefined;
  });
  root.branch(
    (ctx) => ctx.chat?.type === 'private',
    [() => void seen.push('private, array')],
    (_c, next) => next(),
  );
  // Registered after the filters above were made: must still run.
  privateChat.hears('hello', () => void seen.push('private hello'));
}

async function run(root: Composer<Context>, updates: readonly Update[]): Promise<void> {
  const handler = root.middleware();
  for (const update of updates) {
    await handler(new Context(update, api, me), () => Promise.resolve());
  }
}

const updates = [
  textUpdate(1, 'private', '/start'),
  textUpdate(2, 'group', '/help'),
  textUpdate(3, 'group', 'hello'),
  pressUpdate(4, 'slow'),
  pressUpdate(5, 'pass on'),
  pressUpdate(6, 'stop'),
  textUpdate(7, 'private', 'hello'),
  textUpdate(8, 'private', 'something else'),
];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('LeanComposer', () => {
  it('routes updates exactly as grammY’s Composer does', async () => {
    const lean: string[] = [];
    const grammy: string[] = [];
    const leanRoot = new LeanComposer<Context>();
    const grammyRoot = new Composer<Context>();
    routesOn(leanRoot, lean);
    routesOn(grammyRoot, grammy);
    await run(leanRoot, updates);
    await run(grammyRoot, updates);
    expect(lean).toEqual(grammy);
    expect(lean).toEqual([
      'private /start',
      'group command',
      'async predicate',
      'press pass on',
      'press stop',
      'private hello',
      'private, array',
    ]);
  });

  it('never goes through lazy, which grammY’s filters use to build a Composer per update', async () => {
    const lazy = vi.spyOn(Composer.prototype, 'lazy');
    const leanRoot = new LeanComposer<Context>();
    routesOn(leanRoot, []);
    await run(leanRoot, updates);
    expect(lazy).not.toHaveBeenCalled();

    routesOn(new Composer<Context>(), []);
    expect(lazy).toHaveBeenCalled(); // the spy sees grammY's own filters
  });
});
