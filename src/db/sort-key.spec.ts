import { describe, expect, it } from 'vitest';
import { nameKey, sortKey } from './sort-key.js';

describe('sortKey', () => {
  it.each([
    ['Björk', 'bjork'],
    ['  Sigur   Rós ', 'sigur ros'],
    ['ÉDITH PIAF', 'edith piaf'],
    ['Ωmega', 'ωmega'],
    ['ﬁve', 'five'],
  ])('%s → %s', (name, key) => {
    expect(sortKey(name)).toBe(key);
  });

  it('orders accented and plain names together, as people expect', () => {
    const names = ['Zoé', 'abba', 'Émilie', 'Eels'];
    expect(names.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1))).toEqual([
      'abba',
      'Eels',
      'Émilie',
      'Zoé',
    ]);
  });
});

describe('nameKey', () => {
  it('ignores case but keeps accents', () => {
    expect(nameKey('Chill  ')).toBe(nameKey('chill'));
    expect(nameKey('ÇA')).toBe(nameKey('ça'));
    expect(nameKey('Café')).not.toBe(nameKey('Cafe'));
  });
});
