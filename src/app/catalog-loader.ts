import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createCatalog, type Catalog } from '../core/catalog.js';
import { describeProblems, parseGuide, type Guide, type GuideProblem } from '../core/guide.js';
import { resources, supportedLanguages } from '../locales/index.js';

/** The guide files could not be loaded: every problem found, one per line. */
export class CatalogError extends Error {
  constructor(readonly problems: readonly GuideProblem[]) {
    super(`The guide catalog is not valid:\n${describeProblems(problems)}`);
    this.name = 'CatalogError';
  }
}

/** The guide texts of every language, as `{ lang: { guideId: {...} } }`. */
export type GuideTexts = Readonly<Record<string, unknown>>;

const shippedGuideTexts: GuideTexts = Object.fromEntries(
  supportedLanguages.map((language) => [language, resources[language].guides]),
);

function lookup(tree: unknown, path: readonly string[]): unknown {
  let node = tree;
  for (const part of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

const placeholders = (value: string): string[] =>
  [...value.matchAll(/\{\{\s*([^}\s,]+)[^}]*\}\}/g)].map((m) => m[1] ?? '');

/**
 * Checks that a guide has all its words in every language: title, intro, closing line, each
 * step's body and help, each limit and tip; and that a step's texts only use placeholders that
 * name one of the step's labels.
 */
export function checkGuideTexts(
  guide: Guide,
  file: string,
  texts: GuideTexts = shippedGuideTexts,
): GuideProblem[] {
  const problems: GuideProblem[] = [];
  for (const [language, tree] of Object.entries(texts)) {
    const need = (path: string[], allowed?: ReadonlySet<string>): void => {
      const value = lookup(tree, [guide.id, ...path]);
      const where = `src/locales/${language}/guides.json`;
      if (typeof value !== 'string' || value.trim() === '') {
        problems.push({
          file,
          field: path.join('.'),
          expected: `a non-empty text "${guide.id}.${path.join('.')}" in ${where}`,
        });
        return;
      }
      for (const name of placeholders(value)) {
        if (allowed && !allowed.has(name)) {
          problems.push({
            file,
            field: path.join('.'),
            expected: `{{${name}}} in ${where} to be one of this step's labels (${[...allowed].join(', ') || 'none'})`,
          });
        }
      }
    };
    need(['title'], new Set());
    need(['intro'], new Set());
    need(['done'], new Set());
    for (const step of guide.steps) {
      const labels = new Set(Object.keys(step.labels));
      need(['steps', step.id, 'body'], labels);
      need(['steps', step.id, 'help'], labels);
    }
    for (const limit of guide.limits) need(['limits', limit], new Set());
    for (const tip of guide.tips) need(['tips', tip], new Set());
  }
  return problems;
}

/**
 * Loads every `*.yaml` guide in `directory` (sorted by file name), validates each against the
 * schema and checks its texts in every shipped language.
 *
 * @throws CatalogError naming each file, field and what was expected, when anything is wrong.
 */
export function loadCatalog(directory: string, texts: GuideTexts = shippedGuideTexts): Catalog {
  const files = readdirSync(directory)
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort();
  const problems: GuideProblem[] = [];
  const guides: Guide[] = [];
  for (const name of files) {
    const file = join(directory, name);
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push({
        file,
        field: '(file)',
        expected: `valid YAML (${(error as Error).message.split('\n')[0]})`,
      });
      continue;
    }
    const result = parseGuide(raw, file);
    if (result.type === 'invalid') {
      problems.push(...result.problems);
      continue;
    }
    problems.push(...checkGuideTexts(result.guide, file, texts));
    guides.push(result.guide);
  }
  const ids = new Set<string>();
  for (const guide of guides) {
    if (ids.has(guide.id))
      problems.push({
        file: directory,
        field: 'id',
        expected: `unique guide ids ("${guide.id}" appears twice)`,
      });
    ids.add(guide.id);
  }
  if (files.length === 0)
    problems.push({
      file: directory,
      field: '(folder)',
      expected: 'at least one guide file (*.yaml)',
    });
  if (problems.length > 0) throw new CatalogError(problems);
  return createCatalog(guides);
}
