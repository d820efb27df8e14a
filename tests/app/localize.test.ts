import { describe, expect, it } from 'vitest';
import { createI18n } from '../../src/app/i18n.js';
import { createLocalizer } from '../../src/app/localize.js';
import { text } from '../../src/core/text.js';
import { shippedCatalog } from '../helpers/app.js';

describe('the localizer', () => {
  const localizer = createLocalizer(createI18n(shippedCatalog), 'words');

  it('words the same text the same way every time, and a changed parameter differently', () => {
    const step = (current: number) => text('ui:walkthrough.step', { current, total: 4 });
    for (let round = 0; round < 2; round += 1) {
      expect(localizer.text(step(1), 'en')).toBe('Step 1 of 4');
      expect(localizer.text(step(2), 'en')).toBe('Step 2 of 4');
      expect(localizer.text(step(2), 'fr')).toBe('Étape 2 sur 4');
      expect(localizer.text(text('ui:buttons.done'), 'en')).toBe('✅ Done');
      expect(localizer.text(text('ui:buttons.done'), 'de')).not.toBe('✅ Done');
    }
  });

  it('keeps nested texts and strings apart from look-alike parameters', () => {
    const label = text('ui:buttons.selected', { label: text('ui:buttons.never') });
    const plain = text('ui:buttons.selected', { label: 'ui:buttons.never' });
    const worded = localizer.text(label, 'en');
    expect(worded).not.toContain('ui:buttons.never');
    expect(localizer.text(plain, 'en')).toContain('ui:buttons.never');
    expect(localizer.text(label, 'en')).toBe(worded);
  });

  it('words a moment relative to its own "now" every time', () => {
    const at = (days: number) =>
      text('ui:completed.reminder', { when: { at: days * 86_400_000, from: 0 } });
    expect(localizer.text(at(30), 'en')).toContain('30 days');
    expect(localizer.text(at(2), 'en')).toContain('2 days');
    expect(localizer.text(at(30), 'en')).toContain('30 days');
  });

  it('words moments that read the same alike, and others apart, in each language', () => {
    const moment = (at: number, from: number) =>
      text('ui:completed.reminder', { when: { at, from } });
    const day = 86_400_000;
    const thirty = localizer.text(moment(30 * day, 0), 'en');
    // Another "now", the same reading: the same words.
    expect(localizer.text(moment(1_000 + 30 * day, 1_000), 'en')).toBe(thirty);
    expect(localizer.text(moment(3 * 3_600_000, 0), 'en')).toContain('3 hours');
    expect(localizer.text(moment(30 * day, 0), 'fr')).toContain('30 jours');
    expect(localizer.text(moment(30 * day, 0), 'en')).toBe(thirty);
    expect(localizer.text(moment(500, 0), 'en')).not.toBe(thirty);
  });

  it("keeps Discord's timestamps exact: each moment is its own", () => {
    const discord = createLocalizer(createI18n(shippedCatalog), 'discord');
    const moment = (at: number) => text('ui:completed.reminder', { when: { at, from: 0 } });
    expect(discord.text(moment(30 * 86_400_000), 'en')).toContain('<t:2592000:R>');
    expect(discord.text(moment(30 * 86_400_000 + 5_000), 'en')).toContain('<t:2592005:R>');
  });
});
