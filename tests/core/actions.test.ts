import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAction, encodeAction, maxActionBytes, type Action } from '../../src/core/actions.js';

const samples: Action[] = [
  { type: 'open', guideId: 'x-grok' },
  { type: 'step', guideId: 'x-grok', version: 1, step: 0, move: 'done' },
  { type: 'step', guideId: 'a-very-long-guide-id-abc', version: 999_999, step: 19, move: 'cant' },
  { type: 'step', guideId: 'x-grok', version: 3, step: 2, move: 'back' },
  { type: 'step', guideId: 'x-grok', version: 3, step: 2, move: 'skip' },
  { type: 'restart', guideId: 'x-grok', version: 4 },
  { type: 'cadence', guideId: 'x-grok', cadence: 'long' },
  { type: 'cadence', guideId: 'x-grok', cadence: 'never' },
  { type: 'reminder', guideId: 'x-grok', answer: 'wasOn' },
  { type: 'reminder', guideId: 'x-grok', answer: 'snooze' },
  { type: 'language', language: 'fr' },
  { type: 'language', language: 'pt-BR' },
  { type: 'guides' },
  { type: 'status' },
  { type: 'forget', issuedAt: 29_500_000 },
];

describe('action ids', () => {
  it.each(samples)('round-trips %j within 64 ASCII bytes', (action) => {
    const id = encodeAction(action);
    expect(Buffer.byteLength(id, 'utf8')).toBeLessThanOrEqual(maxActionBytes);
    expect(id).toMatch(/^[\x21-\x7e]+$/);
    expect(decodeAction(id)).toEqual({ type: 'ok', action });
  });

  it.each([
    ['empty', ''],
    ['not a string', 42],
    ['unknown kind', '1:q:x-grok'],
    ['missing fields', '1:s:x-grok:1:0'],
    ['extra fields', '1:s:x-grok:1:0:d:more'],
    ['unknown move', '1:s:x-grok:1:0:z'],
    ['negative step', '1:s:x-grok:1:-1:d'],
    ['leading zero', '1:s:x-grok:01:0:d'],
    ['bad guide id', '1:o:X_Grok'],
    ['path traversal', '1:o:../etc'],
    ['non-ASCII', '1:o:x-grök'],
    ['spaces', '1:o:x grok'],
    ['oversize', `1:o:${'a'.repeat(80)}`],
    ['bad language', '1:l:french'],
    ['no version', 's:x-grok:1:0:d'],
  ])('refuses a %s id as malformed', (_name, raw) => {
    expect(decodeAction(raw)).toEqual({ type: 'invalid', reason: 'malformed' });
  });

  it('tells an id from another codec version apart', () => {
    expect(decodeAction('2:s:x-grok:1:0:d')).toEqual({
      type: 'invalid',
      reason: 'unsupportedVersion',
    });
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.anything()), (raw) => {
        const result = decodeAction(raw);
        expect(['ok', 'invalid']).toContain(result.type);
        if (result.type === 'ok') expect(encodeAction(result.action)).toBe(raw);
      }),
      { numRuns: 2000 },
    );
  });
});
