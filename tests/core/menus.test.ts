import { describe, expect, it } from 'vitest';
import { decodeAction } from '../../src/core/actions.js';
import { createCatalog } from '../../src/core/catalog.js';
import { categoryScreen, guideListScreen } from '../../src/core/menus.js';
import { testGuide } from '../helpers/guides.js';

const guide = (id: string, category: string) => testGuide({ id, category });

describe('browsing guides', () => {
  it("lists a small catalog whole, each guide marked with the user's status", () => {
    const catalog = createCatalog([guide('a', 'social'), guide('b', 'website')]);
    const screen = guideListScreen(catalog, new Map([['b', 'completed']]));
    expect(screen.buttons.map((row) => row[0]?.label.params?.['mark'])).toEqual(['▫️', '✅']);
  });

  it('browses a large catalog by category, counting what the user completed', () => {
    const catalog = createCatalog([
      ...['a', 'b', 'c', 'd'].map((id) => guide(id, 'social')),
      ...['e', 'f', 'g'].map((id) => guide(id, 'ai-assistant')),
    ]);
    const screen = guideListScreen(catalog, new Map([['a', 'completed']]));
    const actions = screen.buttons
      .flat()
      .map((b) => (b.type === 'action' ? decodeAction(b.action) : undefined));
    expect(actions).toEqual([
      { type: 'ok', action: { type: 'category', category: 'social' } },
      { type: 'ok', action: { type: 'category', category: 'ai-assistant' } },
    ]);
    expect(screen.buttons[0]?.[0]?.label.params).toMatchObject({ count: 4, done: 1 });
  });

  it("shows a category's guides with their minutes and difficulty, and a way back", () => {
    const catalog = createCatalog([
      guide('a', 'social'),
      guide('b', 'social'),
      guide('c', 'website'),
    ]);
    const screen = categoryScreen(catalog, 'social', new Map());
    expect(screen.body.map((t) => t.params?.['meta'])).toEqual([
      {
        key: 'ui:guide.meta',
        params: {
          minutes: 2,
          difficulty: { key: 'ui:difficulty.easy' },
          regions: { key: 'ui:regions.worldwide' },
        },
      },
      {
        key: 'ui:guide.meta',
        params: {
          minutes: 2,
          difficulty: { key: 'ui:difficulty.easy' },
          regions: { key: 'ui:regions.worldwide' },
        },
      },
    ]);
    const last = screen.buttons.at(-1)?.[0];
    expect(last?.type === 'action' && decodeAction(last.action)).toEqual({
      type: 'ok',
      action: { type: 'guides' },
    });
  });
});
