import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GuideTexts } from '../../src/app/catalog-loader.js';
import { checkGuides, formatProblem } from '../../src/app/guide-check.js';
import { resources } from '../../src/locales/index.js';
import { guidesDirectory } from '../../src/main.js';
import { useTempDir } from '../helpers/temp.js';

/** The day the shipped guides were last checked against the fact sheet. */
const verifiedDay = '2026-11-27';

describe('the guide check', () => {
  const tmp = useTempDir();

  /** A catalog of one valid guide (X/Grok) in a temp folder, edited by `edit`. */
  const fixture = (edit: (yaml: string) => string = (yaml) => yaml): string => {
    const file = join(tmp(), 'x-grok.yaml');
    copyFileSync(join(guidesDirectory, 'x-grok.yaml'), file);
    writeFileSync(file, edit(readFileSync(file, 'utf8')));
    return tmp();
  };
  const lines = (directory: string, today: string = verifiedDay, texts?: GuideTexts) =>
    checkGuides({ directory, today, ...(texts ? { texts } : {}) }).problems.map(formatProblem);

  it('passes the shipped catalog, with every guide counted', () => {
    const result = checkGuides({ directory: guidesDirectory, today: verifiedDay });
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.files).toBe(
      readdirSync(guidesDirectory).filter((f) => f.endsWith('.yaml')).length,
    );
  });

  it('passes an unbroken copy of a guide', () => {
    expect(lines(fixture())).toEqual([]);
  });

  it('fails on a missing French step text, naming the guide, the key and the file to fix', () => {
    const texts = structuredClone({ en: resources.en.guides, fr: resources.fr.guides }) as Record<
      string,
      { 'x-grok': { steps: Record<string, Partial<Record<'body' | 'help', string>>> } }
    >;
    delete texts['fr']!['x-grok'].steps['untick']!.body;
    expect(lines(fixture(), verifiedDay, texts)).toEqual([
      expect.stringMatching(
        /x-grok\.yaml \[x-grok\] steps\.untick\.body: expected a non-empty text "x-grok\.steps\.untick\.body" in src\/locales\/fr\/guides\.json/,
      ),
    ]);
  });

  it('fails on a broken placeholder the loader cannot see', () => {
    const texts = structuredClone({ en: resources.en.guides }) as Record<
      string,
      { 'x-grok': { steps: Record<string, { body: string }> } }
    >;
    texts['en']!['x-grok'].steps['open']!.body = 'Open it. Or find it yourself: {{path}.';
    expect(lines(fixture(), verifiedDay, texts)).toEqual([
      expect.stringMatching(
        /x-grok\.yaml \[x-grok\] steps\.open\.body: a broken \{\{placeholder\}\} in src\/locales\/en\/guides\.json/,
      ),
    ]);
  });

  it('fails on an http step link, once, naming the guide and the field', () => {
    const found = lines(
      fixture((y) =>
        y.replace(
          'url: https://x.com/settings/grok_settings',
          'url: http://x.com/settings/grok_settings',
        ),
      ),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /x-grok\.yaml \[x-grok\] steps\.0\.url: "http:\/\/x\.com\/settings\/grok_settings" is not an https:\/\/ address/,
      ),
    ]);
  });

  it('fails on an http source link', () => {
    const found = lines(
      fixture((y) => y.replace('https://www.metricool.com', 'http://www.metricool.com')),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /\[x-grok\] sources\.\d+\.url: "http:\/\/www\.metricool\.com\/fr\/ia-grok\/"/,
      ),
    ]);
  });

  it('fails on a verified date more than 120 days before today, saying how to fix it', () => {
    const stale = fixture((y) => y.replace(/^verified: .*$/m, 'verified: 2026-07-01'));
    const found = lines(stale, '2026-11-27');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /x-grok\.yaml \[x-grok\] verified: verified 2026-07-01 is 149 days old/,
    );
    expect(found[0]).toMatch(/re-check every step against the sources/);
    expect(found[0]).toMatch(/set verified to today's date/);
  });

  it('accepts a date exactly 120 days old and refuses one 121 days old', () => {
    const dir = fixture((y) => y.replace(/^verified: .*$/m, 'verified: 2026-08-01'));
    expect(lines(dir, '2026-11-29')).toEqual([]);
    expect(lines(dir, '2026-11-30')).toEqual([expect.stringMatching(/121 days old/)]);
  });

  it('takes "today" as a Date too, by its UTC day', () => {
    const dir = fixture((y) => y.replace(/^verified: .*$/m, 'verified: 2026-08-01'));
    const at = (iso: string) => checkGuides({ directory: dir, today: new Date(iso) }).problems;
    expect(at('2026-11-29T23:59:59Z')).toEqual([]);
    expect(at('2026-11-30T00:00:00Z')).toHaveLength(1);
  });

  it('fails on a verified date in the future', () => {
    const dir = fixture((y) => y.replace(/^verified: .*$/m, 'verified: 2027-01-01'));
    expect(lines(dir)).toEqual([expect.stringMatching(/\[x-grok\] verified: .* is in the future/)]);
  });

  it('fails on two guides with the same id, naming both files', () => {
    const dir = fixture();
    copyFileSync(join(dir, 'x-grok.yaml'), join(dir, 'x-grok-copy.yaml'));
    expect(lines(dir)).toEqual([
      expect.stringMatching(
        /x-grok\.yaml \[x-grok\] id: guide id "x-grok" is already used by .*x-grok-copy\.yaml/,
      ),
    ]);
  });

  it('fails on two steps with the same id in one guide', () => {
    const found = lines(fixture((y) => y.replace('- id: history', '- id: untick')));
    expect(found).toEqual([
      expect.stringMatching(/x-grok\.yaml \[x-grok\] steps\.2\.id: step id "untick" is used twice/),
    ]);
  });

  it('reports every problem at once, schema problems included', () => {
    const found = lines(
      fixture((y) =>
        y
          .replace(/^verified: .*$/m, 'verified: 2025-01-01')
          .replace('kind: toggle', 'kind: wiggle')
          .replace('url: https://www.macrumors.com', 'url: http://www.macrumors.com'),
      ),
    );
    expect(found).toHaveLength(3);
    expect(found.join('\n')).toMatch(/steps\.1\.kind: expected .*toggle/);
    expect(found.join('\n')).toMatch(/sources\.1\.url: .* is not an https/);
    expect(found.join('\n')).toMatch(/verified: verified 2025-01-01 is \d+ days old/);
  });

  it('fails on an empty folder and on YAML that does not parse', () => {
    expect(lines(tmp())).toEqual([expect.stringMatching(/at least one guide file/)]);
    writeFileSync(join(tmp(), 'broken.yaml'), 'id: [unclosed');
    expect(lines(tmp())).toEqual([
      expect.stringMatching(/broken\.yaml \(file\): expected valid YAML/),
    ]);
  });
});
