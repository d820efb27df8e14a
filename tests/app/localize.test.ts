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
});
