import { Bot, type Middleware } from 'grammy';
import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { ownTurn } from '../../../src/bots/telegram/telegram-bot.js';
import { botInfoFor } from '../../fakes/telegram/world.js';

const botInfo = botInfoFor('1:TEST', 'test_bot');

const message = (updateId: number): Update => ({
  update_id: updateId,
  message: {
    message_id: updateId,
    date: 1_700_000_000,
    chat: { id: 100 + updateId, type: 'private', first_name: 'Reader' },
    from: { id: 100 + updateId, is_bot: false, first_name: 'Reader' },
    text: '/grok_optout',
  },
});

/**
 * Handles one batch of updates as the runner does (all at once, without awaiting each), and
 * tells in which order each update was handled and its call written. Node writes an HTTP request
 * in a `process.nextTick` after it is made: the handler marks "written" the same way.
 */
async function order(first?: Middleware): Promise<string[]> {
  const events: string[] = [];
  const bot = new Bot('1:TEST', { botInfo });
  if (first) bot.use(first);
  bot.on('message', (ctx) => {
    const id = ctx.update.update_id;
    events.push(`handled ${id}`);
    process.nextTick(() => events.push(`written ${id}`));
  });
  await Promise.all([1, 2, 3].map((id) => bot.handleUpdate(message(id))));
  await new Promise((resolve) => setImmediate(resolve)); // the last writes' ticks
  return events;
}

describe('ownTurn', () => {
  it("writes each update's calls before the next update of the batch is handled", async () => {
    expect(await order(ownTurn)).toEqual([
      'handled 1',
      'written 1',
      'handled 2',
      'written 2',
      'handled 3',
      'written 3',
    ]);
  });

  it('is needed: without it, a batch is handled whole before any call is written', async () => {
    expect(await order()).toEqual([
      'handled 1',
      'handled 2',
      'handled 3',
      'written 1',
      'written 2',
      'written 3',
    ]);
  });
});
