import { describe, expect, it } from 'vitest';
import { MAX_TAG_LENGTH, MAX_TAGS, tagsOf } from '../../src/core/tags.ts';

const fields = new Set(['cache-tag', 'surrogate-key']);

describe('tagsOf (Cache-Tag and Surrogate-Key conventions)', () => {
  it.each([
    ['Cache-Tag is comma-separated', [['Cache-Tag', 'a, b ,c']], ['a', 'b', 'c']],
    ['Surrogate-Key is space-separated', [['surrogate-key', ' a  b\tc ']], ['a', 'b', 'c']],
    [
      'both, in order, each tag once',
      [
        ['cache-tag', 'a,b'],
        ['surrogate-key', 'b c'],
      ],
      ['a', 'b', 'c'],
    ],
    ['empty members are left out', [['cache-tag', ',, ,']], []],
    ['other fields are not read', [['x-tag', 'a']], []],
    ['a comma inside a Surrogate-Key is part of the tag', [['surrogate-key', 'a,b']], ['a,b']],
  ] as const)('%s', (_, headers, expected) => {
    expect(tagsOf(headers, fields)).toEqual(expected);
  });

  it('over-long tags and tags beyond the cap are left out', () => {
    const long = 'x'.repeat(MAX_TAG_LENGTH + 1);
    const many = Array.from({ length: MAX_TAGS + 10 }, (_, i) => `t${i}`).join(' ');
    expect(tagsOf([['cache-tag', `${long},ok`]], fields)).toEqual(['ok']);
    expect(tagsOf([['surrogate-key', many]], fields)).toHaveLength(MAX_TAGS);
  });
});
