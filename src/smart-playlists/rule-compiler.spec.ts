import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { compileRules, compileSelection } from './rule-compiler.js';
import type { Condition, RuleNode } from './rules.js';

/** Kysely that compiles without a database: the SQL text and its parameters. */
const db = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

const context = { userId: 7, now: new Date('2026-06-15T12:00:00Z'), zone: 'Asia/Kolkata' };
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

function compiled(rules: RuleNode[], match: 'all' | 'any' = 'all') {
  const { where, readsStats } = compileRules({ match, rules }, context);
  const query = where.compile(db);
  return { sql: squash(query.sql), parameters: query.parameters, readsStats };
}

const rule = (
  field: Condition['field'],
  operator: Condition['operator'],
  value: Condition['value'],
) => ({
  field,
  operator,
  value,
});

describe('rule compiler: rule -> SQL and parameters', () => {
  const cases: [string, RuleNode, string, unknown[], boolean][] = [
    [
      'rating in stars is stored in half stars',
      rule('RATING', 'GREATER_EQUAL', 4),
      '("ut"."rating" >= $1)',
      [8],
      false,
    ],
    [
      'NOT_EQUALS matches a missing value',
      rule('RATING', 'NOT_EQUALS', 5),
      '(NOT coalesce("ut"."rating" = $1, false))',
      [10],
      false,
    ],
    ['unrated', rule('RATING', 'IS_EMPTY', null), '("ut"."rating" IS NULL)', [], false],
    [
      'never played is a zero counter',
      rule('PLAY_COUNT', 'IS_EMPTY', null),
      '("s"."play_count" = 0)',
      [],
      true,
    ],
    [
      'between',
      rule('DURATION', 'BETWEEN', [1000, 2000]),
      '("ut"."duration_ms" BETWEEN $1 AND $2)',
      [1000, 2000],
      false,
    ],
    [
      'in a list',
      rule('SKIP_COUNT', 'IN', [1, 2]),
      '("s"."skip_count" = ANY($1::bigint[]))',
      ['{1,2}'],
      true,
    ],
    [
      'text is folded like the sort keys',
      rule('TRACK_NAME', 'EQUALS', '  Jóga '),
      '("ut"."title_sort" = $1)',
      ['joga'],
      false,
    ],
    [
      'wildcards are escaped',
      rule('TRACK_NAME', 'CONTAINS', '50%_off\\'),
      '("ut"."title_sort" LIKE $1)',
      ['%50\\%\\_off\\\\%'],
      false,
    ],
    [
      'an injection attempt is a parameter',
      rule('ALBUM_NAME', 'STARTS_WITH', "'); drop table track; --"),
      '("ut"."album_sort" LIKE $1)',
      ["'); drop table track; --%"],
      false,
    ],
    ['no album', rule('ALBUM_NAME', 'IS_EMPTY', null), '("ut"."album_sort" IS NULL)', [], false],
    ['liked', rule('LIKED', 'EQUALS', true), '("ut"."liked" = $1)', [true], false],
    [
      'a local day in the user zone',
      rule('ADDED_AT', 'EQUALS', '2026-01-02'),
      '(("ut"."added_at" >= (($1::date + $2::int)::timestamp AT TIME ZONE $3) AND "ut"."added_at" < (($4::date + $5::int)::timestamp AT TIME ZONE $6)))',
      ['2026-01-02', 0, 'Asia/Kolkata', '2026-01-02', 1, 'Asia/Kolkata'],
      false,
    ],
    [
      'after a day starts when it ends',
      rule('ADDED_AT', 'GREATER_THAN', '2026-01-02'),
      '("ut"."added_at" >= (($1::date + $2::int)::timestamp AT TIME ZONE $3))',
      ['2026-01-02', 1, 'Asia/Kolkata'],
      false,
    ],
    [
      'in the last months, on the local calendar from now',
      rule('LAST_PLAYED', 'IN_THE_LAST', { amount: 3, unit: 'months' }),
      '("s"."last_played_at" >= (($1::timestamptz AT TIME ZONE $2) - make_interval(months => $3::int)) AT TIME ZONE $4)',
      [context.now, 'Asia/Kolkata', 3, 'Asia/Kolkata'],
      true,
    ],
    [
      'not in the last: never played matches too',
      rule('LAST_PLAYED', 'NOT_IN_THE_LAST', { amount: 2, unit: 'weeks' }),
      '(NOT coalesce("s"."last_played_at" >= (($1::timestamptz AT TIME ZONE $2) - make_interval(weeks => $3::int)) AT TIME ZONE $4, false))',
      [context.now, 'Asia/Kolkata', 2, 'Asia/Kolkata'],
      true,
    ],
    [
      'a tag: some value matches',
      rule('TAG', 'EQUALS', 'Chill'),
      '(EXISTS (SELECT 1 FROM track_tag tt WHERE tt.user_id = ut.user_id AND tt.user_track_id = ut.id AND tt.tag_id = ANY(ARRAY( SELECT g.id FROM tag g WHERE g.user_id = $1 AND g.sort_key = $2))))',
      [7, 'chill'],
      false,
    ],
    [
      'a tag: NOT_CONTAINS means no value matches',
      rule('TAG', 'NOT_CONTAINS', 'x'),
      '(NOT coalesce(EXISTS (SELECT 1 FROM track_tag tt WHERE tt.user_id = ut.user_id AND tt.user_track_id = ut.id AND tt.tag_id = ANY(ARRAY( SELECT g.id FROM tag g WHERE g.user_id = $1 AND g.sort_key LIKE $2))), false))',
      [7, '%x%'],
      false,
    ],
    [
      'untagged',
      rule('TAG', 'IS_EMPTY', null),
      '(NOT EXISTS (SELECT 1 FROM track_tag tt WHERE tt.user_id = ut.user_id AND tt.user_track_id = ut.id))',
      [],
      false,
    ],
    [
      'an artist: any credited artist',
      rule('ARTIST_NAME', 'IN', ['Björk', 'Sigur Rós']),
      '(EXISTS (SELECT 1 FROM track_artist ta JOIN artist a ON a.id = ta.artist_id WHERE ta.track_id = ut.track_id AND a.sort_name = ANY($1::text[])))',
      ['{"bjork","sigur ros"}'],
      false,
    ],
    [
      'a manual playlist',
      rule('IN_PLAYLIST', 'EQUALS', { playlistId: 3 }),
      '(EXISTS (SELECT 1 FROM playlist_track pt WHERE pt.user_id = ut.user_id AND pt.user_track_id = ut.id AND pt.playlist_id = $1))',
      [3],
      false,
    ],
    [
      "a smart playlist's last refresh",
      rule('IN_PLAYLIST', 'NOT_EQUALS', { smartPlaylistId: 4 }),
      '(NOT coalesce(EXISTS (SELECT 1 FROM smart_playlist_track sp WHERE sp.user_id = ut.user_id AND sp.user_track_id = ut.id AND sp.smart_playlist_id = $1), false))',
      [4],
      false,
    ],
  ];

  it.each(cases)('%s', (_title, node, sql, parameters, readsStats) => {
    expect(compiled([node])).toEqual({ sql, parameters, readsStats });
  });

  it('genres go through the user-aware genre rule with the user as a parameter', () => {
    const { sql, parameters } = compiled([rule('GENRE', 'STARTS_WITH', 'Post')]);
    expect(sql).toMatch(/^\(EXISTS \(SELECT 1 FROM track_artist ta CROSS JOIN LATERAL/);
    expect(sql).toMatch(
      /ag\.genre_id = ANY\(ARRAY\(SELECT g\.id FROM genre g WHERE g\.sort_name LIKE \$\d+\)\)\)\)$/,
    );
    // the user once for their hidden genres, once for their own
    expect(parameters).toEqual([7, 7, 'post%']);
  });

  it('joins groups with AND / OR, nested, and reads the counters only when a rule does', () => {
    const tree: RuleNode[] = [
      rule('LIKED', 'EQUALS', true),
      { match: 'any', rules: [rule('RATING', 'EQUALS', 5), rule('DURATION', 'LESS_THAN', 60_000)] },
    ];
    expect(compiled(tree)).toEqual({
      sql: '("ut"."liked" = $1 AND ("ut"."rating" = $2 OR "ut"."duration_ms" < $3))',
      parameters: [true, 10, 60_000],
      readsStats: false,
    });
    expect(compiled([], 'any').sql).toBe('true');
  });

  it('limits select by a parameterised order and count', () => {
    const { where, readsStats } = compileSelection(
      {
        match: 'all',
        rules: [rule('LIKED', 'EQUALS', true)],
        limit: { count: 25, unit: 'tracks', selectBy: 'random' },
      },
      context,
      42,
    );
    const query = where.compile(db);
    expect(readsStats).toBe(false);
    expect(squash(query.sql)).toBe(
      'ut.id IN (SELECT ut.id FROM user_track ut JOIN user_track_stats s ON s.user_id = ut.user_id AND s.user_track_id = ut.id WHERE ut.user_id = $1 AND ("ut"."liked" = $2) ORDER BY md5($3::text || \':\' || ut.id::text), ut.id LIMIT $4)',
    );
    expect(query.parameters).toEqual([7, true, '42', 25]);
  });

  it('limits in minutes keep the run whose running total fits', () => {
    const { where } = compileSelection(
      { match: 'all', rules: [], limit: { count: 90, unit: 'minutes', selectBy: 'highest_rated' } },
      context,
      0,
    );
    const query = where.compile(db);
    expect(squash(query.sql)).toContain(
      'sum(coalesce(ut.duration_ms, 0)) OVER (ORDER BY ut.rating desc NULLS LAST, ut.id desc ROWS UNBOUNDED PRECEDING)',
    );
    expect(squash(query.sql)).toMatch(/WHERE running <= \$2\)$/);
    expect(query.parameters).toEqual([7, 5_400_000]);
  });
});
