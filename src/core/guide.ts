import { z } from 'zod';

/**
 * The guide schema: one opt-out procedure as data (see `data/guides/*.yaml`).
 * The words around the platform's labels live in `src/locales/<lang>/guides.json`,
 * keyed by guide id and step id; the labels themselves are quoted here, per language,
 * as the platform shows them.
 */

/** Guide and step ids: lower-case words joined by hyphens, short enough for button ids. */
export const idPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const id = z
  .string()
  .max(24)
  .regex(idPattern, 'lower-case letters, digits and single hyphens, like "x-grok"');

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), 'a real calendar date');

const httpsUrl = z
  .string()
  .url()
  .refine((value) => value.startsWith('https://'), 'an https:// address');

/** A platform label in one language: the text, and whether a source shows it verbatim. */
const labelText = z.union([
  z.string().min(1),
  z.object({
    text: z.string().min(1),
    /** False when no source shows this exact wording (a translation or a partial quote). */
    verified: z.boolean(),
    note: z.string().optional(),
  }),
]);

/** How guides are grouped when users browse them, in display order. */
export const guideCategories = [
  'social',
  'creative',
  'ai-assistant',
  'publishing',
  'website',
] as const;
export type GuideCategory = (typeof guideCategories)[number];

/** What each kind of step asks of the user. */
export const stepKinds = ['open', 'toggle', 'action', 'verify', 'info'] as const;
export type StepKind = (typeof stepKinds)[number];

const step = z.object({
  id,
  kind: z.enum(stepKinds),
  /** A link button that opens this step's page directly. */
  url: httpsUrl.optional(),
  /** Optional steps say so and can be skipped without a warning. */
  optional: z.boolean().default(false),
  /** The step that matters most: a re-check reminder re-opens the walkthrough here. */
  key: z.boolean().default(false),
  /** Platform UI labels by name, then by language (English is required). */
  labels: z.record(z.string().regex(/^[a-zA-Z]+$/), z.record(z.string(), labelText)).default({}),
});

const source = z.object({
  url: httpsUrl,
  title: z.string().min(1),
  /** The date the source shows (YYYY-MM-DD, or YYYY-MM when only the month is known), or "n.d.". */
  date: z.union([isoDate, z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/), z.literal('n.d.')]),
});

/** The schema every guide file must satisfy. */
export const guideSchema = z
  .object({
    id,
    /** Raise on any change to the steps: users who completed an older version are asked to re-check. */
    version: z.number().int().min(1).max(999_999),
    /** When the steps were last checked against the sources. */
    verified: isoDate,
    platform: z.string().min(1),
    category: z.enum(guideCategories),
    /**
     * Where the opt-out applies; an i18n key under `ui:regions`. `unconfirmed` when the sources
     * do not say, so the bot never claims "everywhere" on a guess.
     */
    regions: z.enum(['worldwide', 'eu-uk', 'us', 'unconfirmed']),
    difficulty: z.enum(['easy', 'medium', 'hard', 'limited']),
    minutes: z.number().int().min(1).max(120),
    recheckDays: z.number().int().min(1).max(3650),
    sources: z.array(source).min(1),
    steps: z.array(step).min(1).max(20),
    /** Ids of "what this does not do" lines; their words are in the locales. */
    limits: z.array(id).default([]),
    /** Ids of "also good to know" lines (alternatives and caveats); their words are in the locales. */
    tips: z.array(id).default([]),
    /**
     * What changed in a version, in one line per language (English required), shown in the
     * "this setting changed" reminder: `{ 2: { en: "…", fr: "…" } }`.
     */
    changes: z
      .record(z.string().regex(/^[1-9][0-9]*$/), z.record(z.string(), z.string().min(1)))
      .default({}),
  })
  .superRefine((guide, ctx) => {
    const seen = new Set<string>();
    guide.steps.forEach((s, index) => {
      if (seen.has(s.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', index, 'id'],
          message: `duplicate step id "${s.id}"`,
        });
      }
      seen.add(s.id);
      for (const [name, byLanguage] of Object.entries(s.labels)) {
        if (byLanguage['en'] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['steps', index, 'labels', name, 'en'],
            message: 'an English label (every label needs one)',
          });
        }
      }
    });
    if (guide.steps.filter((s) => s.key).length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['steps'],
        message: 'at most one step marked key: true',
      });
    }
  });

/** A validated guide. */
export type Guide = z.output<typeof guideSchema>;
/** One validated step of a guide. */
export type GuideStep = Guide['steps'][number];

/** Why a guide file was refused: where, and what was expected there. */
export interface GuideProblem {
  readonly file: string;
  readonly field: string;
  readonly expected: string;
}

/** The outcome of {@link parseGuide}. */
export type ParseGuideResult =
  | { readonly type: 'ok'; readonly guide: Guide }
  | { readonly type: 'invalid'; readonly problems: readonly GuideProblem[] };

/**
 * Validates one guide's parsed data (from YAML). Never throws: a malformed guide comes back as
 * a list of problems naming the file, the field (`steps.1.kind`) and what was expected there.
 */
export function parseGuide(raw: unknown, file: string): ParseGuideResult {
  const result = guideSchema.safeParse(raw);
  if (result.success) return { type: 'ok', guide: result.data };
  return {
    type: 'invalid',
    problems: result.error.issues.map((issue) => ({
      file,
      field: issue.path.length === 0 ? '(top level)' : issue.path.join('.'),
      expected: issue.message,
    })),
  };
}

/** Formats problems as one readable line each. */
export function describeProblems(problems: readonly GuideProblem[]): string {
  return problems.map((p) => `${p.file}: field "${p.field}": expected ${p.expected}`).join('\n');
}

/** The index of the step a re-check re-opens: the key step, or the first step. */
export function keyStepIndex(guide: Guide): number {
  const index = guide.steps.findIndex((s) => s.key);
  return index === -1 ? 0 : index;
}
