import { parseGuide, type Guide } from '../../src/core/guide.js';

/** A small valid guide for core tests: three steps, the second one key, the third optional. */
export function testGuide(overrides: Record<string, unknown> = {}): Guide {
  const result = parseGuide(
    {
      id: 'demo',
      version: 2,
      verified: '2026-11-01',
      platform: 'Demo',
      category: 'social',
      regions: 'worldwide',
      difficulty: 'easy',
      minutes: 2,
      recheckDays: 30,
      sources: [{ url: 'https://example.org/help', title: 'Help', date: '2026-10-01' }],
      steps: [
        {
          id: 'open',
          kind: 'open',
          url: 'https://example.org/settings',
          labels: { path: { en: 'Settings' } },
        },
        { id: 'untick', kind: 'toggle', key: true, labels: { box: { en: 'Allow training' } } },
        { id: 'extra', kind: 'action', optional: true },
      ],
      limits: ['past'],
      ...overrides,
    },
    'demo.yaml',
  );
  if (result.type !== 'ok') throw new Error(JSON.stringify(result.problems));
  return result.guide;
}
