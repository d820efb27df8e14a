import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CatalogError, loadCatalog, type GuideTexts } from './catalog-loader.js';
import { resources, supportedLanguages } from '../locales/index.js';

/** How old a guide's `verified` date may be before the check asks for a re-check. */
export const maxVerifiedAgeDays = 120;

/** One thing wrong with the catalog: where, which guide (when known), and what to do. */
export interface GuideCheckProblem {
  /** The guide file, or the folder for problems between files. */
  readonly file: string;
  /** The guide's id when the file declares one, else null. */
  readonly guide: string | null;
  /** The field, e.g. `steps.0.url` or `verified`. */
  readonly field: string;
  readonly message: string;
}

/** What {@link checkGuides} needs. */
export interface GuideCheckOptions {
  /** The folder of guide files (`data/guides`). */
  readonly directory: string;
  /** Today's date, as a `Date` or `YYYY-MM-DD`; only its UTC calendar day counts. */
  readonly today: Date | string;
  /** The guide texts by language; the shipped locales by default. */
  readonly texts?: GuideTexts;
  /** The freshness limit; {@link maxVerifiedAgeDays} by default. */
  readonly maxAgeDays?: number;
}

/** The outcome of {@link checkGuides}: how many guide files were read, and every problem. */
export interface GuideCheckResult {
  readonly files: number;
  readonly problems: readonly GuideCheckProblem[];
}

const shippedTexts: GuideTexts = Object.fromEntries(
  supportedLanguages.map((language) => [language, resources[language].guides]),
);

const dayMs = 86_400_000;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);

/** Every text under a guide's words, as `[dotted.path, text]`. */
function textLeaves(tree: unknown, prefix: string): [string, string][] {
  if (typeof tree === 'string') return [[prefix, tree]];
  if (!isRecord(tree)) return [];
  return Object.entries(tree).flatMap(([key, value]) =>
    textLeaves(value, prefix ? `${prefix}.${key}` : key),
  );
}

/** Texts where `{{` or `}}` is left over once every well-formed `{{name}}` is taken out. */
function malformedPlaceholders(
  texts: GuideTexts,
  guide: string,
  file: string,
): GuideCheckProblem[] {
  return Object.entries(texts).flatMap(([language, tree]) =>
    textLeaves(isRecord(tree) ? tree[guide] : undefined, '')
      .filter(([, value]) => /\{\{|\}\}/.test(value.replace(/\{\{\s*[^{}\s,]+[^{}]*\}\}/g, '')))
      .map(([field, value]) => ({
        file,
        guide,
        field,
        message: `a broken {{placeholder}} in src/locales/${language}/guides.json ("${value}"): write it as {{name}}`,
      })),
  );
}

/** Midnight UTC of a `YYYY-MM-DD` date or of a `Date`'s UTC day; NaN when not a date. */
function utcDay(value: Date | string): number {
  if (value instanceof Date) {
    return Date.UTC(value.getUTCFullYear(), value.getUTCMonth(), value.getUTCDate());
  }
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
}

/**
 * The checks the schema and loader do not make, on the raw YAML so they run even when the
 * schema refuses the file: https links only, unique step ids, a recent `verified` date.
 */
function checkRaw(
  raw: Record<string, unknown>,
  file: string,
  guide: string | null,
  today: number,
  maxAgeDays: number,
): GuideCheckProblem[] {
  const problems: GuideCheckProblem[] = [];
  const add = (field: string, message: string): void => {
    problems.push({ file, guide, field, message });
  };
  const checkUrl = (field: string, url: unknown): void => {
    if (typeof url === 'string' && !url.startsWith('https://')) {
      add(field, `"${url}" is not an https:// address: use the https:// link the source gives`);
    }
  };
  const seenSteps = new Set<string>();
  asList(raw['steps']).forEach((step, index) => {
    if (!isRecord(step)) return;
    checkUrl(`steps.${index}.url`, step['url']);
    const id = step['id'];
    if (typeof id !== 'string') return;
    if (seenSteps.has(id)) {
      add(
        `steps.${index}.id`,
        `step id "${id}" is used twice in this guide: give each step its own id`,
      );
    }
    seenSteps.add(id);
  });
  asList(raw['sources']).forEach((source, index) => {
    if (isRecord(source)) checkUrl(`sources.${index}.url`, source['url']);
  });
  // YAML reads an unquoted 2026-11-27 as a Date; a quoted one stays a string.
  const verifiedRaw = raw['verified'];
  const verified =
    verifiedRaw instanceof Date
      ? verifiedRaw.toISOString().slice(0, 10)
      : typeof verifiedRaw === 'string'
        ? verifiedRaw
        : null;
  const verifiedDay = verified === null ? Number.NaN : utcDay(verified);
  if (verified !== null && !Number.isNaN(verifiedDay) && !Number.isNaN(today)) {
    const age = Math.round((today - verifiedDay) / dayMs);
    if (age > maxAgeDays) {
      add(
        'verified',
        `verified ${verified} is ${age} days old (the limit is ${maxAgeDays}): re-check every step ` +
          `against the sources, fix what moved (and raise version if the steps changed), then set ` +
          `verified to today's date`,
      );
    } else if (age < 0) {
      add('verified', `verified ${verified} is in the future: use the date you checked the steps`);
    }
  }
  return problems;
}

/**
 * Checks the guide catalog in `directory` as CI and contributors need it: every file through the
 * real loader (schema, texts in every language, placeholders), plus https-only links, unique
 * guide and step ids and a `verified` date at most `maxAgeDays` old. Never throws for a bad
 * catalog: every problem comes back, each naming its file, guide and field.
 *
 * @throws only when `directory` cannot be read at all.
 */
export function checkGuides(options: GuideCheckOptions): GuideCheckResult {
  const { directory } = options;
  const texts = options.texts ?? shippedTexts;
  const maxAgeDays = options.maxAgeDays ?? maxVerifiedAgeDays;
  const today = utcDay(options.today);
  const problems: GuideCheckProblem[] = [];
  const idOfFile = new Map<string, string>();
  const filesOfId = new Map<string, string[]>();

  const files = readdirSync(directory)
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort()
    .map((name) => join(directory, name));
  for (const file of files) {
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(file, 'utf8'));
    } catch {
      continue; // the loader reports unreadable YAML below
    }
    if (!isRecord(raw)) continue;
    const id = typeof raw['id'] === 'string' ? raw['id'] : null;
    if (id !== null) {
      idOfFile.set(file, id);
      filesOfId.set(id, [...(filesOfId.get(id) ?? []), file]);
    }
    problems.push(...checkRaw(raw, file, id, today, maxAgeDays));
    if (id !== null) problems.push(...malformedPlaceholders(texts, id, file));
  }
  for (const [id, declaring] of filesOfId) {
    for (const file of declaring.slice(1)) {
      problems.push({
        file,
        guide: id,
        field: 'id',
        message: `guide id "${id}" is already used by ${declaring[0] ?? ''}: give each guide its own id`,
      });
    }
  }

  try {
    loadCatalog(directory, texts);
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    // Skip what the checks above already said in their own words (http links, repeated ids).
    const said = new Set(problems.map((p) => `${p.file}\n${p.field}`));
    for (const p of error.problems) {
      if (said.has(`${p.file}\n${p.field}`)) continue;
      if (p.file === directory && p.field === 'id' && filesOfId.size < idOfFile.size) continue;
      problems.push({
        file: p.file,
        guide: idOfFile.get(p.file) ?? null,
        field: p.field,
        message: `expected ${p.expected}`,
      });
    }
  }
  return { files: files.length, problems };
}

/** One problem as one line: `file [guide] field: message`. */
export function formatProblem(problem: GuideCheckProblem): string {
  const guide = problem.guide === null ? '' : ` [${problem.guide}]`;
  return `${problem.file}${guide} ${problem.field}: ${problem.message}`;
}
