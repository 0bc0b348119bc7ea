/**
 * fast-check arbitraries for smart playlist property tests: small libraries
 * and rule trees drawn from deliberately small domains, so that rules hit
 * (and miss) often and the edge cases (case, accents, LIKE metacharacters,
 * local midnights, period boundaries) come up.
 */
import fc from 'fast-check';
import { nameKey } from '../../src/db/sort-key.js';
import {
  FIELDS,
  MAX_DEPTH,
  OPERATORS_OF,
  PERIOD_UNITS,
  RULE_FIELDS,
  SELECT_BY,
  type Condition,
  type Group,
  type Match,
  type Period,
  type RuleField,
  type RuleNode,
  type RuleOperator,
  type RuleValue,
  type Scalar,
  type SmartLimit,
} from '../../src/smart-playlists/rules.js';
import type { TrackFacts } from './rule-oracle.js';

/** The fixed "now" of the property tests. */
export const NOW = new Date('2026-06-15T12:00:00Z');

/** The zones the property tests run in: no offset, and a half-hour offset. */
export const ZONES = ['UTC', 'Asia/Kolkata'] as const;

/** Track, album and artist names: case and accent variants, LIKE metacharacters, a quote. */
export const NAMES = [
  'Café',
  'cafe',
  'CAFÉ del mar',
  'Blue',
  'blue moon',
  'Blue Café',
  'Zoë',
  'Zoe',
  'a_b',
  'aXb',
  '100%',
  '1000',
  "it's",
  'back\\slash',
  'backslash',
] as const;

/** Genre names (trimmed, distinct). */
export const GENRES = [
  'rock',
  'Rock',
  'indie rock',
  'jazz',
  'Électro',
  'electro pop',
  'hip_hop',
  'R&B',
] as const;

/** Tag names, distinct by nameKey (a user's tags are unique case-insensitively). */
export const TAGS = [
  'chill',
  'Road_Trip',
  'été',
  'ete',
  'Favourite',
  '50%',
  'late night',
  'Late-Night',
] as const;

/** Track durations (ms); the catalog requires a positive duration or none. */
export const DURATIONS = [null, 1, 30_000, 59_999, 60_000, 180_000, 240_000, 300_000, 600_000];

/** Time played (ms) of a played track. */
export const MS_PLAYED = [0, 1, 30_000, 60_000, 180_000, 1_000_000];

export const RATINGS = [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5];

/**
 * Instants of added / last-played dates: both sides of local midnight in UTC
 * and in Asia/Kolkata (UTC+5:30, midnight at 18:30Z the day before), and both
 * sides of NOW minus 1 day, 1 week and 1 month.
 */
export const INSTANTS = [
  '2024-02-29T18:29:59.999Z',
  '2024-02-29T18:30:00.000Z',
  '2024-02-29T23:59:59.999Z',
  '2024-03-01T00:00:00.000Z',
  '2025-03-09T18:29:59.999Z',
  '2025-03-09T18:30:00.000Z',
  '2025-03-09T23:59:59.999Z',
  '2025-03-10T00:00:00.000Z',
  '2025-12-31T18:30:00.000Z',
  '2025-12-31T23:59:59.999Z',
  '2026-01-01T00:00:00.000Z',
  '2026-05-15T11:59:59.999Z',
  '2026-05-15T12:00:00.000Z',
  '2026-05-16T00:00:00.000Z',
  '2026-06-08T11:59:59.999Z',
  '2026-06-08T12:00:00.000Z',
  '2026-06-14T11:59:59.999Z',
  '2026-06-14T12:00:00.000Z',
  '2026-06-14T18:30:00.000Z',
  '2026-06-15T00:00:00.000Z',
  '2026-06-15T11:59:59.999Z',
  '2026-06-15T12:00:00.000Z',
].map((s) => new Date(s));

/** Days of date rules, next to the instants above. */
export const DAYS = [
  '2024-01-01',
  '2024-02-29',
  '2024-03-01',
  '2025-03-09',
  '2025-03-10',
  '2025-12-31',
  '2026-01-01',
  '2026-05-15',
  '2026-06-08',
  '2026-06-14',
  '2026-06-15',
  '2026-12-31',
];

const instantArb = fc.constantFrom(...INSTANTS).map((d) => new Date(d.getTime()));

const trackArb: fc.Arbitrary<Omit<TrackFacts, 'id'>> = fc
  .record({
    trackName: fc.constantFrom(...NAMES),
    albumName: fc.option(fc.constantFrom(...NAMES), { nil: null }),
    artistNames: fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }),
    genres: fc.uniqueArray(fc.constantFrom(...GENRES), { maxLength: 3 }),
    tags: fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 3, selector: nameKey }),
    rating: fc.option(fc.constantFrom(...RATINGS), { nil: null }),
    playCount: fc.integer({ min: 0, max: 5 }),
    skipCount: fc.integer({ min: 0, max: 5 }),
    msPlayed: fc.constantFrom(...MS_PLAYED),
    durationMs: fc.constantFrom(...DURATIONS),
    lastPlayedAt: fc.option(instantArb, { nil: null, freq: 4 }),
    addedAt: instantArb,
    liked: fc.boolean(),
    playlists: fc.subarray([1, 2]),
  })
  .map((t) =>
    t.lastPlayedAt === null
      ? { ...t, playCount: 0, skipCount: 0, msPlayed: 0, smartPlaylists: [] }
      : { ...t, smartPlaylists: [] },
  );

/**
 * 1..25 tracks with ids 1..N. A track never played (no lastPlayedAt) has no
 * plays, skips or time played; one with plays has a lastPlayedAt.
 */
export const libraryArb: fc.Arbitrary<TrackFacts[]> = fc
  .array(trackArb, { minLength: 1, maxLength: 25 })
  .map((tracks) => tracks.map((t, i) => ({ id: i + 1, ...t })));

// ---------------------------------------------------------------- values

function stripAccents(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
}

/** A word of the list, as is, recased, without accents, or a substring of it. */
function textArb(words: readonly string[]): fc.Arbitrary<string> {
  const word = fc.constantFrom(...words);
  return fc
    .oneof(
      { arbitrary: word, weight: 3 },
      word.map((w) => w.toUpperCase()),
      word.map((w) => w.toLowerCase()),
      word.map(stripAccents),
      {
        arbitrary: fc.tuple(word, fc.nat(), fc.nat()).map(([w, a, b]) => {
          const start = a % w.length;
          return w.slice(start, start + 1 + (b % (w.length - start)));
        }),
        weight: 2,
      },
    )
    .filter((s) => s.trim() !== '');
}

/** Words of text rules: the field's own list plus a few near misses. */
const WORDS_OF: Partial<Record<RuleField, readonly string[]>> = {
  GENRE: [...GENRES, 'Café'],
  TAG: [...TAGS, 'ÉTÉ', 'road_trip'],
};

function wordsOf(field: RuleField): readonly string[] {
  return WORDS_OF[field] ?? NAMES;
}

/** Numbers of number rules: the library's values and a few between them. */
const NUMBERS_OF: Partial<Record<RuleField, readonly number[]>> = {
  RATING: RATINGS,
  PLAY_COUNT: [0, 1, 2, 3, 4, 5, 6],
  SKIP_COUNT: [0, 1, 2, 3, 4, 5, 6],
  MS_PLAYED: [...MS_PLAYED, 29_999, 120_000],
  DURATION: [0, ...DURATIONS.filter((d) => d !== null), 120_000, 1_200_000],
};

function numbersOf(field: RuleField): readonly number[] {
  const numbers = NUMBERS_OF[field];
  if (numbers === undefined) throw new Error(`${field} is not a number field`);
  return numbers;
}

const periodArb: fc.Arbitrary<Period> = fc.record({
  amount: fc.oneof(fc.constantFrom(1, 2, 7, 30), fc.integer({ min: 1, max: 30 })),
  unit: fc.constantFrom(...PERIOD_UNITS),
});

function scalarOf(field: RuleField): fc.Arbitrary<Scalar> {
  switch (FIELDS[field].type) {
    case 'number':
      return fc.constantFrom(...numbersOf(field));
    case 'date':
      return fc.constantFrom(...DAYS);
    case 'text':
      return textArb(wordsOf(field));
    case 'boolean':
      return fc.boolean();
    case 'playlist':
      throw new Error('a playlist reference is not a scalar');
  }
}

function ordered(a: Scalar, b: Scalar): [Scalar, Scalar] {
  return a <= b ? [a, b] : [b, a];
}

function valueArb(field: RuleField, operator: RuleOperator): fc.Arbitrary<RuleValue> {
  if (FIELDS[field].type === 'playlist') {
    return fc.record({ playlistId: fc.constantFrom(1, 2) });
  }
  if (operator === 'IS_EMPTY' || operator === 'IS_NOT_EMPTY') return fc.constant(null);
  if (operator === 'IN_THE_LAST' || operator === 'NOT_IN_THE_LAST') return periodArb;
  if (operator === 'BETWEEN') {
    return fc.tuple(scalarOf(field), scalarOf(field)).map(([a, b]) => ordered(a, b));
  }
  if (operator === 'IN' || operator === 'NOT_IN') {
    return fc.uniqueArray(scalarOf(field), { minLength: 1, maxLength: 3 });
  }
  return scalarOf(field);
}

function operatorsOf(field: RuleField): RuleOperator[] {
  const spec = FIELDS[field];
  return OPERATORS_OF[spec.type].filter(
    (op) => spec.empty !== null || (op !== 'IS_EMPTY' && op !== 'IS_NOT_EMPTY'),
  );
}

/** A valid condition over any field. */
export const conditionArb: fc.Arbitrary<Condition> = fc
  .constantFrom(...RULE_FIELDS)
  .chain((field) =>
    fc
      .constantFrom(...operatorsOf(field))
      .chain((operator) =>
        valueArb(field, operator).map((value): Condition => ({ field, operator, value })),
      ),
  );

const matchArb: fc.Arbitrary<Match> = fc.constantFrom('all', 'any');

/** A node at `level` (top-level rules are level 1); groups only above `depth`. */
function nodeArb(level: number, depth: number): fc.Arbitrary<RuleNode> {
  if (level >= depth) return conditionArb;
  return fc.oneof(
    { arbitrary: conditionArb, weight: 3 },
    { arbitrary: groupArb(level + 1, depth), weight: 1 },
  );
}

function groupArb(childLevel: number, depth: number): fc.Arbitrary<Group> {
  return fc.record({
    match: matchArb,
    rules: fc.array(nodeArb(childLevel, depth), { minLength: 1, maxLength: 4 }),
  });
}

/**
 * A definition's `{match, rules}`: 1..4 nodes, groups nesting so that no
 * node lies deeper than `depth` (top-level rules are depth 1; 3 unless told,
 * at most MAX_DEPTH).
 */
export function ruleTreeArb(depth = 3): fc.Arbitrary<Group> {
  return groupArb(1, Math.max(1, Math.min(depth, MAX_DEPTH)));
}

/** No limit, or a limit of 1..10 tracks or 1..20 minutes. */
export const limitArb: fc.Arbitrary<SmartLimit | null> = fc.option(
  fc.oneof(
    fc.record({
      count: fc.integer({ min: 1, max: 10 }),
      unit: fc.constant('tracks' as const),
      selectBy: fc.constantFrom(...SELECT_BY),
    }),
    fc.record({
      count: fc.integer({ min: 1, max: 20 }),
      unit: fc.constant('minutes' as const),
      selectBy: fc.constantFrom(...SELECT_BY),
    }),
  ),
  { nil: null },
);
