import { RateLimitError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { LocalizedButton, LocalizedScreen } from '../../../src/app/localize.js';
import {
  clip,
  discordLimits,
  escapeDiscord,
  formatScreen,
  layoutButtons,
} from '../../../src/bots/discord/format.js';
import { outcomeOfError } from '../../../src/bots/discord/messenger.js';

const action = (n: number): LocalizedButton => ({
  type: 'action',
  label: `B${n}`,
  action: `1:o:g${n}`,
});

describe('Discord formatting', () => {
  it.each([
    ['*bold* and _italic_', '\\*bold\\* and \\_italic\\_'],
    ['`code` ||spoiler|| ~~gone~~', '\\`code\\` \\|\\|spoiler\\|\\| \\~\\~gone\\~\\~'],
    ['# Heading', '\\# Heading'],
    ['> quoted\n-# small', '\\> quoted\n\\-# small'],
    ['- item\n1. first', '\\- item\n1\\. first'],
    ['[click](https://evil.example)', '\\[click](https://evil.example)'],
    ['https://x.com/settings/grok_settings', 'https://x.com/settings/grok_settings'],
    ['check it <t:1702592000:R>.', 'check it <t:1702592000:R>.'],
  ])('escapes %j', (input, escaped) => {
    expect(escapeDiscord(input)).toBe(escaped);
  });

  it('clips to a length without splitting a character', () => {
    expect(clip('short', 10)).toBe('short');
    expect(clip('abcdefghij', 5)).toBe('abcd…');
    const clipped = clip('✅'.repeat(10) + '🔁'.repeat(10), 15);
    expect(clipped.length).toBeLessThanOrEqual(15);
    expect(clipped.endsWith('…')).toBe(true);
    expect(clipped).not.toMatch(/[\uD800-\uDBFF]…$/);
  });

  it('keeps a screen within the embed limits', () => {
    const screen: LocalizedScreen = {
      title: 'T'.repeat(300),
      subtitle: 'Step 1 of 4',
      progress: '⬜ ⬜',
      notice: 'Out of date',
      body: ['p'.repeat(3000), 'q'.repeat(3000)],
      buttons: [[{ type: 'action', label: 'L'.repeat(100), action: '1:g' }]],
    };
    const { embeds, components, content } = formatScreen(screen);
    expect(content).toBe('');
    expect(embeds[0]?.title?.length).toBe(discordLimits.embedTitle);
    expect(embeds[0]?.description?.length).toBe(discordLimits.embedDescription);
    expect(embeds[0]?.description?.startsWith('Step 1 of 4  ⬜ ⬜\n*Out of date*\n\npp')).toBe(
      true,
    );
    const button = components[0]?.components[0];
    expect(button && 'label' in button ? button.label?.length : 0).toBe(discordLimits.buttonLabel);
  });

  it('lays buttons out in at most 5 rows of 5, without repeating an action', () => {
    const tall = Array.from({ length: 8 }, (_, n) => [action(n)]);
    expect(layoutButtons(tall).map((row) => row.components.length)).toEqual([5, 3]);
    const wide = [Array.from({ length: 7 }, (_, n) => action(n))];
    expect(layoutButtons(wide).map((row) => row.components.length)).toEqual([5, 2]);
    const many = Array.from({ length: 40 }, (_, n) => [action(n)]);
    expect(layoutButtons(many).flatMap((row) => row.components)).toHaveLength(25);
    expect(layoutButtons([[action(1), action(1)], [action(1)]])).toEqual([
      { type: 1, components: [{ type: 2, style: 1, label: 'B1', custom_id: '1:o:g1' }] },
    ]);
  });

  it('styles the step forward green and link buttons as links', () => {
    const [row] = layoutButtons([
      [
        { type: 'link', label: 'Open', url: 'https://x.com/settings/grok_settings' },
        { type: 'action', label: '✅ Done', action: '1:s:x-grok:1:0:d' },
        { type: 'action', label: 'Skip', action: '1:s:x-grok:1:0:s' },
      ],
    ]);
    expect(row?.components.map((b) => b.style)).toEqual([5, 3, 2]);
  });
});

describe('Discord delivery outcomes', () => {
  it('passes on a rate limit that reaches it', () => {
    const error = new RateLimitError({
      timeToReset: 2000,
      limit: 5,
      method: 'POST',
      hash: 'h',
      url: 'https://discord.com/api/v10/channels/1/messages',
      route: '/channels/:id/messages',
      majorParameter: '1',
      global: false,
      retryAfter: 2000,
      sublimitTimeout: 0,
      scope: 'user',
    });
    expect(outcomeOfError(error)).toEqual({
      type: 'rateLimited',
      retryAfterMs: 2000,
      global: false,
    });
  });

  it('treats anything else unexpected as worth retrying', () => {
    expect(outcomeOfError(new Error('socket hang up'))).toEqual({
      type: 'failed',
      reason: 'Error: socket hang up',
    });
  });
});
