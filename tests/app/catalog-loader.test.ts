import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogError, loadCatalog } from '../../src/app/catalog-loader.js';
import { guidesDirectory } from '../../src/main.js';
import { resources } from '../../src/locales/index.js';
import { useTempDir } from '../helpers/temp.js';

describe('the guide catalog', () => {
  const tmp = useTempDir();

  it('loads the shipped guides, with every text in every language', () => {
    const catalog = loadCatalog(guidesDirectory);
    const grok = catalog.get('x-grok');
    expect(grok?.steps.map((s) => s.id)).toEqual(['open', 'untick', 'history', 'verify']);
    expect(grok?.steps[0]?.url).toBe('https://x.com/settings/grok_settings');
    expect(grok?.sources.length).toBeGreaterThan(3);
  });

  it('names the file, the field and what was expected for a malformed guide', () => {
    cpSync(guidesDirectory, tmp(), { recursive: true });
    const file = join(tmp(), 'x-grok.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('kind: toggle', 'kind: wiggle'));
    expect(() => loadCatalog(tmp())).toThrow(CatalogError);
    expect(() => loadCatalog(tmp())).toThrow(
      /x-grok\.yaml: field "steps\.1\.kind": expected .*toggle/,
    );
  });

  it('refuses YAML that does not parse', () => {
    writeFileSync(join(tmp(), 'broken.yaml'), 'id: [unclosed');
    expect(() => loadCatalog(tmp())).toThrow(/broken\.yaml: field "\(file\)": expected valid YAML/);
  });

  it('refuses a guide whose French step text is missing', () => {
    cpSync(guidesDirectory, tmp(), { recursive: true });
    const texts = structuredClone({ en: resources.en.guides, fr: resources.fr.guides }) as Record<
      string,
      { 'x-grok': { steps: Record<string, Partial<Record<'body' | 'help', string>>> } }
    >;
    delete texts['fr']!['x-grok'].steps['untick']!.body;
    expect(() => loadCatalog(tmp(), texts)).toThrow(
      /field "steps\.untick\.body": expected a non-empty text "x-grok\.steps\.untick\.body" in src\/locales\/fr\/guides\.json/,
    );
  });

  it('refuses a step text using a placeholder that is not one of its labels', () => {
    cpSync(guidesDirectory, tmp(), { recursive: true });
    const texts = structuredClone({ en: resources.en.guides }) as Record<
      string,
      { 'x-grok': { steps: Record<string, { body: string }> } }
    >;
    texts['en']!['x-grok'].steps['history']!.body = 'Tap {{buton}}';
    expect(() => loadCatalog(tmp(), texts)).toThrow(
      /\{\{buton\}\} in src\/locales\/en\/guides\.json to be one of this step's labels \(button\)/,
    );
  });

  it('refuses an empty folder', () => {
    expect(() => loadCatalog(tmp())).toThrow(/at least one guide file/);
  });
});
