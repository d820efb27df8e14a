import { describe, expect, it } from 'vitest';
import { parseGuide } from '../../src/core/guide.js';
import { testGuide } from '../helpers/guides.js';

const valid = (): Record<string, unknown> =>
  JSON.parse(JSON.stringify(testGuide())) as Record<string, unknown>;

describe('guide schema', () => {
  it('accepts a valid guide and fills defaults', () => {
    const guide = testGuide();
    expect(guide.steps[0]?.optional).toBe(false);
    expect(guide.tips).toEqual([]);
  });

  it.each<[string, (g: Record<string, unknown>) => void, string, RegExp]>([
    ['a missing version', (g) => delete g['version'], 'version', /number/],
    [
      'an http url',
      (g) => ((g['steps'] as Record<string, unknown>[])[0]!['url'] = 'http://example.org'),
      'steps.0.url',
      /https/,
    ],
    [
      'an unknown step kind',
      (g) => ((g['steps'] as Record<string, unknown>[])[1]!['kind'] = 'dance'),
      'steps.1.kind',
      /open|toggle/,
    ],
    ['a bad date', (g) => (g['verified'] = '27/11/2026'), 'verified', /YYYY-MM-DD/],
    [
      'a label without English',
      (g) =>
        ((g['steps'] as Record<string, unknown>[])[1]!['labels'] = { box: { fr: 'Autoriser' } }),
      'steps.1.labels.box.en',
      /English/,
    ],
    [
      'duplicate step ids',
      (g) => ((g['steps'] as Record<string, unknown>[])[1]!['id'] = 'open'),
      'steps.1.id',
      /duplicate/,
    ],
    ['an id with capitals', (g) => (g['id'] = 'X-Grok'), 'id', /lower-case/],
    ['no steps', (g) => (g['steps'] = []), 'steps', /.+/],
  ])('refuses %s, naming the field and what was expected', (_name, mutate, field, expected) => {
    const raw = valid();
    mutate(raw);
    const result = parseGuide(raw, 'data/guides/demo.yaml');
    expect(result.type).toBe('invalid');
    if (result.type !== 'invalid') return;
    const problem = result.problems.find((p) => p.field === field);
    expect(problem, JSON.stringify(result.problems)).toBeDefined();
    expect(problem?.file).toBe('data/guides/demo.yaml');
    expect(problem?.expected).toMatch(expected);
  });
});
