import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  Condition,
  RuleNode,
  SmartLimit,
  RuleValue,
  RuleField,
  RuleOperator,
} from '../src/smart-playlists/rules.js';
import { FIELDS, NEGATION_OF, OPERATORS_OF } from '../src/smart-playlists/rules.js';
import {
  NOW,
  ZONES,
  conditionArb,
  libraryArb,
  limitArb,
  ruleTreeArb,
} from './support/rule-arbitraries.js';
import {
  localDay,
  matches,
  periodStart,
  selectLimited,
  trackFacts,
  type OracleContext,
  type TrackFacts,
} from './support/rule-oracle.js';

const UTC: OracleContext = { now: NOW, zone: 'UTC' };
const KOLKATA: OracleContext = { now: NOW, zone: 'Asia/Kolkata' };

const track = trackFacts;

function rule(
  field: RuleField,
  operator: RuleOperator,
  value: RuleValue,
): { match: 'all'; rules: RuleNode[] } {
  return { match: 'all', rules: [{ field, operator, value }] };
}

function check(
  t: TrackFacts,
  field: RuleField,
  operator: RuleOperator,
  value: RuleValue,
  ctx = UTC,
): boolean {
  return matches(rule(field, operator, value), t, ctx);
}

describe('rule oracle: text', () => {
  const cafe = track({ trackName: 'CAFÉ del mar', albumName: 'Blue Café', artistNames: ['Zoë'] });

  it('ignores case and accents', () => {
    expect(check(cafe, 'TRACK_NAME', 'EQUALS', 'cafe DEL Mar')).toBe(true);
    expect(check(cafe, 'TRACK_NAME', 'EQUALS', 'cafe')).toBe(false);
    expect(check(cafe, 'TRACK_NAME', 'CONTAINS', 'Cafe')).toBe(true);
    expect(check(cafe, 'TRACK_NAME', 'STARTS_WITH', 'café d')).toBe(true);
    expect(check(cafe, 'TRACK_NAME', 'STARTS_WITH', 'mar')).toBe(false);
    expect(check(cafe, 'ALBUM_NAME', 'ENDS_WITH', 'CAFE')).toBe(true);
    expect(check(cafe, 'ARTIST_NAME', 'IN', ['nobody', 'ZOE'])).toBe(true);
    expect(check(cafe, 'ARTIST_NAME', 'NOT_IN', ['nobody', 'ZOE'])).toBe(false);
  });

  it('treats LIKE metacharacters literally', () => {
    expect(check(track({ trackName: 'aXb' }), 'TRACK_NAME', 'CONTAINS', 'a_b')).toBe(false);
    expect(check(track({ trackName: '1000' }), 'TRACK_NAME', 'STARTS_WITH', '100%')).toBe(false);
    expect(check(track({ trackName: 'back\\slash' }), 'TRACK_NAME', 'CONTAINS', '\\')).toBe(true);
  });

  it('NOT_CONTAINS over several values means no value contains it', () => {
    const rockJazz = track({ genres: ['indie rock', 'jazz'] });
    expect(check(rockJazz, 'GENRE', 'CONTAINS', 'ROCK')).toBe(true);
    expect(check(rockJazz, 'GENRE', 'NOT_CONTAINS', 'ROCK')).toBe(false);
    expect(check(rockJazz, 'GENRE', 'NOT_CONTAINS', 'pop')).toBe(true);
    const none = track({ genres: [] });
    expect(check(none, 'GENRE', 'CONTAINS', 'rock')).toBe(false);
    expect(check(none, 'GENRE', 'NOT_CONTAINS', 'rock')).toBe(true);
    expect(check(none, 'GENRE', 'IS_EMPTY', null)).toBe(true);
    expect(check(rockJazz, 'GENRE', 'IS_NOT_EMPTY', null)).toBe(true);
    expect(check(track({ tags: ['Été'] }), 'TAG', 'NOT_EQUALS', 'ete')).toBe(false);
  });
});

describe('rule oracle: missing values', () => {
  const blank = track();

  it('positive operators are false and negatives true on a missing value', () => {
    expect(check(blank, 'RATING', 'EQUALS', 5)).toBe(false);
    expect(check(blank, 'RATING', 'LESS_THAN', 1)).toBe(false);
    expect(check(blank, 'RATING', 'NOT_EQUALS', 5)).toBe(true);
    expect(check(blank, 'RATING', 'NOT_IN', [0, 5])).toBe(true);
    expect(check(blank, 'RATING', 'IS_EMPTY', null)).toBe(true);
    expect(check(blank, 'DURATION', 'BETWEEN', [0, 1e9])).toBe(false);
    expect(check(blank, 'ALBUM_NAME', 'CONTAINS', 'a')).toBe(false);
    expect(check(blank, 'ALBUM_NAME', 'NOT_CONTAINS', 'a')).toBe(true);
    expect(check(blank, 'ALBUM_NAME', 'IS_EMPTY', null)).toBe(true);
    expect(check(blank, 'LAST_PLAYED', 'LESS_EQUAL', '2030-01-01')).toBe(false);
    expect(check(blank, 'LAST_PLAYED', 'IN_THE_LAST', { amount: 30, unit: 'months' })).toBe(false);
    expect(check(blank, 'LAST_PLAYED', 'NOT_IN_THE_LAST', { amount: 1, unit: 'days' })).toBe(true);
  });

  it('counters are empty at zero', () => {
    expect(check(blank, 'PLAY_COUNT', 'IS_EMPTY', null)).toBe(true);
    expect(check(blank, 'PLAY_COUNT', 'EQUALS', 0)).toBe(true);
    expect(check(track({ msPlayed: 1 }), 'MS_PLAYED', 'IS_NOT_EMPTY', null)).toBe(true);
  });

  it('rejects an operator the field does not have', () => {
    expect(() => check(blank, 'TRACK_NAME', 'IS_EMPTY', null)).toThrow();
    expect(() => check(blank, 'LIKED', 'IN', [true])).toThrow();
  });
});

describe('rule oracle: dates', () => {
  // 18:30Z is local midnight in Asia/Kolkata (UTC+5:30)
  const before = track({ addedAt: new Date('2025-03-09T18:29:59.999Z') });
  const atMidnight = track({ addedAt: new Date('2025-03-09T18:30:00.000Z') });

  it('EQUALS compares the local day in the zone', () => {
    expect(localDay(before.addedAt, 'Asia/Kolkata')).toBe('2025-03-09');
    expect(localDay(atMidnight.addedAt, 'Asia/Kolkata')).toBe('2025-03-10');
    expect(check(before, 'ADDED_AT', 'EQUALS', '2025-03-09', KOLKATA)).toBe(true);
    expect(check(atMidnight, 'ADDED_AT', 'EQUALS', '2025-03-09', KOLKATA)).toBe(false);
    expect(check(atMidnight, 'ADDED_AT', 'EQUALS', '2025-03-10', KOLKATA)).toBe(true);
    expect(check(atMidnight, 'ADDED_AT', 'EQUALS', '2025-03-09', UTC)).toBe(true);
    expect(check(atMidnight, 'ADDED_AT', 'GREATER_THAN', '2025-03-09', KOLKATA)).toBe(true);
    expect(check(atMidnight, 'ADDED_AT', 'GREATER_THAN', '2025-03-09', UTC)).toBe(false);
    expect(check(before, 'ADDED_AT', 'BETWEEN', ['2025-03-01', '2025-03-09'], KOLKATA)).toBe(true);
    expect(check(atMidnight, 'ADDED_AT', 'NOT_EQUALS', '2025-03-10', KOLKATA)).toBe(false);
  });

  it('IN_THE_LAST months clamps the day to the end of the month', () => {
    const now = new Date('2026-03-31T12:00:00Z');
    for (const zone of ['UTC', 'Asia/Kolkata']) {
      expect(periodStart(now, { amount: 1, unit: 'months' }, zone).toISOString()).toBe(
        '2026-02-28T12:00:00.000Z',
      );
    }
    expect(
      periodStart(new Date('2024-03-31T12:00:00Z'), { amount: 1, unit: 'months' }, 'UTC'),
    ).toEqual(new Date('2024-02-29T12:00:00Z'));
    expect(
      periodStart(new Date('2026-01-31T12:00:00Z'), { amount: 13, unit: 'months' }, 'UTC'),
    ).toEqual(new Date('2024-12-31T12:00:00Z'));
    const ctx = { now, zone: 'Asia/Kolkata' };
    const period = { amount: 1, unit: 'months' } as const;
    const at = (iso: string) => track({ lastPlayedAt: new Date(iso), playCount: 1 });
    expect(check(at('2026-02-28T12:00:00.000Z'), 'LAST_PLAYED', 'IN_THE_LAST', period, ctx)).toBe(
      true,
    );
    expect(check(at('2026-02-28T11:59:59.999Z'), 'LAST_PLAYED', 'IN_THE_LAST', period, ctx)).toBe(
      false,
    );
    expect(
      check(at('2026-02-28T11:59:59.999Z'), 'LAST_PLAYED', 'NOT_IN_THE_LAST', period, ctx),
    ).toBe(true);
  });

  it('IN_THE_LAST days and weeks go back on the wall clock', () => {
    expect(periodStart(NOW, { amount: 1, unit: 'days' }, 'Asia/Kolkata')).toEqual(
      new Date('2026-06-14T12:00:00Z'),
    );
    expect(periodStart(NOW, { amount: 2, unit: 'weeks' }, 'UTC')).toEqual(
      new Date('2026-06-01T12:00:00Z'),
    );
    // across a DST change (away from the transition hour) a day is 24 wall-clock hours:
    // 12:00 CEST back two days is 12:00 CET, 47 real hours earlier
    expect(
      periodStart(new Date('2026-03-30T10:00:00Z'), { amount: 2, unit: 'days' }, 'Europe/Paris'),
    ).toEqual(new Date('2026-03-28T11:00:00Z'));
  });
});

describe('rule oracle: groups, liked, playlists', () => {
  it('combines groups with all / any', () => {
    const t = track({ liked: true, playlists: [2], smartPlaylists: [7], rating: 4 });
    const liked: Condition = { field: 'LIKED', operator: 'EQUALS', value: true };
    const inOne: Condition = { field: 'IN_PLAYLIST', operator: 'EQUALS', value: { playlistId: 1 } };
    const inSmart: Condition = {
      field: 'IN_PLAYLIST',
      operator: 'EQUALS',
      value: { smartPlaylistId: 7 },
    };
    expect(matches({ match: 'all', rules: [liked, inOne] }, t, UTC)).toBe(false);
    expect(matches({ match: 'any', rules: [liked, inOne] }, t, UTC)).toBe(true);
    expect(
      matches({ match: 'all', rules: [inSmart, { match: 'any', rules: [inOne, liked] }] }, t, UTC),
    ).toBe(true);
    expect(check(t, 'IN_PLAYLIST', 'NOT_EQUALS', { playlistId: 1 })).toBe(true);
    expect(check(t, 'LIKED', 'NOT_EQUALS', true)).toBe(false);
  });
});

describe('rule oracle: selectLimited', () => {
  const library = [
    track({ id: 1, durationMs: 180_000, rating: 3, playCount: 2 }),
    track({ id: 2, durationMs: 240_000, rating: null, playCount: 5 }),
    track({ id: 3, durationMs: null, rating: 5, playCount: 2 }),
    track({ id: 4, durationMs: 60_000, rating: 3, playCount: 0 }),
    track({ id: 5, durationMs: 30_000, rating: null, playCount: 1 }),
  ];
  const ids = (limit: SmartLimit, seed?: (t: TrackFacts) => string) =>
    selectLimited(library, limit, seed).map((t) => t.id);

  it('takes the longest prefix within the minutes', () => {
    // most played: 2 (240s), 3 (none), 1 (180s) = 420s; then 5 (30s) would exceed 7 minutes
    expect(ids({ count: 7, unit: 'minutes', selectBy: 'most_played' })).toEqual([2, 3, 1]);
    expect(ids({ count: 8, unit: 'minutes', selectBy: 'most_played' })).toEqual([2, 3, 1, 5]);
    // the prefix stops at the first track that does not fit, even if a later one would
    expect(ids({ count: 3, unit: 'minutes', selectBy: 'most_played' })).toEqual([]);
  });

  it('puts missing values last in both directions, ties by id in the same direction', () => {
    expect(ids({ count: 10, unit: 'tracks', selectBy: 'highest_rated' })).toEqual([3, 4, 1, 5, 2]);
    expect(ids({ count: 10, unit: 'tracks', selectBy: 'lowest_rated' })).toEqual([1, 4, 3, 2, 5]);
    expect(ids({ count: 3, unit: 'tracks', selectBy: 'least_played' })).toEqual([4, 5, 1]);
    expect(ids({ count: 10, unit: 'tracks', selectBy: 'least_recently_played' })).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(ids({ count: 10, unit: 'tracks', selectBy: 'most_recently_played' })).toEqual([
      5, 4, 3, 2, 1,
    ]);
  });

  it('orders names by sort key in code-unit order and random by the seed', () => {
    const named = [
      track({ id: 1, trackName: 'zoë' }),
      track({ id: 2, trackName: 'Blue' }),
      track({ id: 3, trackName: 'Árbol' }),
      track({ id: 4, trackName: '_x' }),
      track({ id: 5, trackName: 'blue' }),
    ];
    const byName = selectLimited(named, { count: 10, unit: 'tracks', selectBy: 'name' });
    expect(byName.map((t) => t.id)).toEqual([4, 3, 2, 5, 1]);
    const seed = (t: TrackFacts) => ['c', 'a', 'b', 'a', 'c'][t.id - 1]!;
    expect(
      selectLimited(named, { count: 4, unit: 'tracks', selectBy: 'random' }, seed).map((t) => t.id),
    ).toEqual([2, 4, 3, 1]);
    expect(() => selectLimited(named, { count: 1, unit: 'tracks', selectBy: 'random' })).toThrow();
  });
});

describe('rule arbitraries', () => {
  it('generate valid libraries, rules and limits the oracle accepts', () => {
    fc.assert(
      fc.property(
        libraryArb,
        ruleTreeArb(3),
        limitArb,
        fc.constantFrom(...ZONES),
        (tracks, tree, limit, zone) => {
          expect(new Set(tracks.map((t) => t.id)).size).toBe(tracks.length);
          for (const t of tracks) {
            if (t.lastPlayedAt === null) expect(t.playCount + t.msPlayed).toBe(0);
            if (t.playCount > 0) expect(t.lastPlayedAt).not.toBeNull();
          }
          const depth = (nodes: RuleNode[]): number =>
            Math.max(...nodes.map((n) => ('rules' in n ? 1 + depth(n.rules) : 1)));
          expect(depth(tree.rules)).toBeLessThanOrEqual(3);
          const chosen = tracks.filter((t) => matches(tree, t, { now: NOW, zone }));
          if (limit !== null) selectLimited(chosen, limit, (t) => String(t.id % 3));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('generate conditions with operators of their field', () => {
    fc.assert(
      fc.property(conditionArb, (c) => {
        const spec = FIELDS[c.field];
        expect(OPERATORS_OF[spec.type]).toContain(c.operator);
        if (c.operator === 'IS_EMPTY' || c.operator === 'IS_NOT_EMPTY') {
          expect(spec.empty).not.toBeNull();
        }
        if (c.field === 'IN_PLAYLIST') expect(c.value).not.toHaveProperty('smartPlaylistId');
      }),
    );
  });

  it('negatives are the negation of their positive on generated data', () => {
    fc.assert(
      fc.property(libraryArb, conditionArb, fc.constantFrom(...ZONES), (tracks, c, zone) => {
        const positive = NEGATION_OF[c.operator];
        if (positive === undefined) return;
        const ctx = { now: NOW, zone };
        for (const t of tracks) {
          expect(check(t, c.field, c.operator, c.value, ctx)).toBe(
            !check(t, c.field, positive, c.value, ctx),
          );
        }
      }),
    );
  });
});
