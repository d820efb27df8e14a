import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runConsole } from '../../src/bots/console/console-bot.js';
import type { Guide, GuideStep } from '../../src/core/guide.js';
import { text } from '../../src/core/text.js';
import { resources, supportedLanguages } from '../../src/locales/index.js';
import { createTestApp, shippedCatalog } from '../helpers/app.js';
import { useTempDir } from '../helpers/temp.js';

type Language = keyof typeof resources;
type GuideWords = {
  title: string;
  done: string;
  steps: Record<string, { body: string }>;
  limits?: Record<string, string>;
  tips?: Record<string, string>;
};

const languages: readonly Language[] = supportedLanguages;
const words = (language: Language, id: string): GuideWords =>
  (resources[language].guides as unknown as Record<string, GuideWords>)[id]!;

/** The terminal wraps lines on ordinary spaces: compare texts with those spaces evened out. */
const flat = (value: string): string => value.replace(/[ \n]+/g, ' ');

/** A label as the user sees it in `language` (a missing language falls back to English). */
function label(step: GuideStep, name: string, language: Language): string {
  const perLanguage = step.labels[name] ?? {};
  const value = perLanguage[language] ?? perLanguage['en'];
  if (value === undefined) throw new Error(`no label ${name}`);
  return typeof value === 'string' ? value : value.text;
}

/** A step's body with its labels filled in, as it should be printed. */
function expectedBody(guide: Guide, step: GuideStep, language: Language): string {
  return words(language, guide.id).steps[step.id]!.body.replace(
    /\{\{\s*(\w+)\s*\}\}/g,
    (_, name: string) => label(step, name, language),
  );
}

type App = ReturnType<typeof createTestApp>;

/** Walks `guide` in the terminal, choosing "✅ Done" (choice 1) on every step, then quits. */
async function walk(app: App, guide: Guide, language: Language): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => {
    printed += chunk.toString('utf8');
  });
  const done = runConsole({
    service: app.service,
    localizer: app.localizer,
    input,
    output,
    guideId: guide.id,
    language,
  });
  input.end(`${guide.steps.map(() => '1\n').join('')}q\n`);
  await done;
  return printed;
}

describe('every shipped guide, walked through in the terminal', () => {
  const tmp = useTempDir();
  const apps: App[] = [];
  afterEach(() => apps.splice(0).forEach((app) => app.close()));
  const cases = shippedCatalog.guides.flatMap((guide) =>
    languages.map((language) => [guide.id, language, guide] as const),
  );

  it('covers more than the first guide', () => {
    expect(shippedCatalog.guides.length).toBeGreaterThan(1);
  });

  it.each(cases)(
    '%s in %s: every step, then the completion screen',
    async (id, language, guide) => {
      const app = createTestApp(tmp());
      apps.push(app);
      const ui = (key: Parameters<typeof text>[0], params?: Parameters<typeof text>[1]) =>
        flat(app.localizer.text(text(key, params), language));
      const stepLines = guide.steps.map((_, index) =>
        ui('ui:walkthrough.step', { current: index + 1, total: guide.steps.length }),
      );
      const completed = ui('ui:completed.subtitle');

      const out = await walk(app, guide, language);
      const seen = flat(out);
      const own = words(language, id);

      expect(seen).toContain(`━━ ${flat(own.title)} ━━`);
      guide.steps.forEach((step, index) => {
        expect(seen, `step ${step.id}`).toContain(stepLines[index]);
        expect(seen, `step ${step.id}`).toContain(flat(expectedBody(guide, step, language)));
        if (step.url !== undefined) expect(seen, `link of ${step.id}`).toContain(step.url);
      });
      // The completion screen comes after the last step, with the closing line, limits and tips.
      const end = seen.indexOf(completed);
      expect(end, 'completion screen').toBeGreaterThan(seen.indexOf(stepLines.at(-1)!));
      const after = seen.slice(end);
      expect(after).toContain(flat(own.done));
      for (const limit of guide.limits) expect(after).toContain(flat(own.limits![limit]!));
      for (const tip of guide.tips) expect(after).toContain(flat(own.tips![tip]!));

      // No raw placeholder, and no i18n key printed in place of a missing text.
      expect(out).not.toContain('{{');
      expect(out).not.toMatch(/\b(guides|labels|ui):/);
      for (const part of ['title', 'intro', 'done', 'steps.', 'limits.', 'tips.'])
        expect(out).not.toContain(`${id}.${part}`);
      for (const step of guide.steps) expect(out).not.toContain(`${id}.${step.id}.`);
    },
  );
});
