import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromNsp, type NspConversion, type NspProblem } from './nsp.js';
import { MAX_DEPTH, type Condition, type RuleNode, type SmartDefinition } from './rules.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/navidrome-nsp');
const fixture = (file: string) => fromNsp(readFileSync(join(FIXTURES, file), 'utf8'), file);

/** Converts a file written as a plain object (JSON is a subset of .nsp). */
const convert = (document: object) => fromNsp(JSON.stringify(document), 'Imported');

/** A rule that always converts, to keep a definition alive next to a rule under test. */
const LOVED = { is: { loved: true } };
const LIKED: Condition = { field: 'LIKED', operator: 'EQUALS', value: true };

function definitionOf(conversion: NspConversion): SmartDefinition {
  expect(conversion.definition).not.toBeNull();
  return conversion.definition as SmartDefinition;
}

describe('fromNsp on the fixtures', () => {
  it('imports nested_favourites.nsp fully, except the second sort key', () => {
    const conversion = fixture('nested_favourites.nsp');
    expect(conversion.definition).toEqual({
      name: 'Loved or highly rated, not heard lately',
      description: 'nested any inside all, a range, a relative date and a limit',
      match: 'all',
      rules: [
        {
          match: 'any',
          rules: [
            { field: 'LIKED', operator: 'EQUALS', value: true },
            { field: 'RATING', operator: 'GREATER_THAN', value: 3 },
          ],
        },
        { field: 'LAST_PLAYED', operator: 'NOT_IN_THE_LAST', value: { amount: 90, unit: 'days' } },
        { field: 'DURATION', operator: 'BETWEEN', value: [120_000, 420_000] },
        { field: 'TRACK_NAME', operator: 'NOT_CONTAINS', value: 'live' },
      ],
      limit: { count: 50, unit: 'tracks', selectBy: 'most_played' },
    } satisfies SmartDefinition);
    expect(conversion.problems).toEqual([
      { path: 'sort', message: 'only the first sort key selects the tracks; "title" was left out' },
    ]);
  });

  it('imports recently_played.nsp, whose comments are not part of the data', () => {
    expect(fixture('recently_played.nsp')).toEqual({
      definition: {
        name: 'Recently Played',
        description: 'Recently played tracks',
        match: 'all',
        rules: [
          { field: 'LAST_PLAYED', operator: 'IN_THE_LAST', value: { amount: 30, unit: 'days' } },
        ],
        limit: { count: 100, unit: 'tracks', selectBy: 'most_recently_played' },
      },
      problems: [],
    } satisfies NspConversion);
  });

  it('imports public_playlist.nsp as private and says so', () => {
    expect(fixture('public_playlist.nsp')).toEqual({
      definition: {
        name: 'Public Playlist',
        description: 'A smart playlist that is public',
        match: 'all',
        rules: [
          { field: 'LAST_PLAYED', operator: 'IN_THE_LAST', value: { amount: 30, unit: 'days' } },
        ],
        limit: { count: 50, unit: 'tracks', selectBy: 'most_recently_played' },
      },
      problems: [
        { path: 'public', message: 'public playlists are not supported; imported as private' },
      ],
    } satisfies NspConversion);
  });

  it('imports private_playlist.nsp without a problem', () => {
    expect(fixture('private_playlist.nsp')).toEqual({
      definition: {
        name: 'Private Playlist',
        description: 'A smart playlist that is explicitly private',
        match: 'all',
        rules: [LIKED],
        limit: { count: 100, unit: 'tracks', selectBy: 'name' },
      },
      problems: [],
    } satisfies NspConversion);
  });

  it('refuses genres_and_artists.nsp and reports both all and any and the bpm field', () => {
    const conversion = fixture('genres_and_artists.nsp');
    expect(conversion.definition).toBeNull();
    expect(conversion.problems).toEqual([
      { path: '(root)', message: 'both all and any at the top level (invalid in Navidrome)' },
      { path: 'all[0].gt.bpm', message: 'field "bpm" has no Spotlib equivalent' },
    ]);
  });

  it('refuses invalid_json.nsp and points at the unterminated string', () => {
    expect(fixture('invalid_json.nsp')).toEqual({
      definition: null,
      problems: [
        { path: '(file)', message: 'invalid JSON at line 18, column 25: UnexpectedEndOfString' },
      ],
    });
  });
});

describe('fromNsp operators', () => {
  const cases: [string, object, Condition][] = [
    ['is on text', { is: { title: 'Intro' } }, cond('TRACK_NAME', 'EQUALS', 'Intro')],
    ['isNot on artist', { isNot: { artist: 'ABBA' } }, cond('ARTIST_NAME', 'NOT_EQUALS', 'ABBA')],
    ['albumartist as artist', { is: { albumartist: 'X' } }, cond('ARTIST_NAME', 'EQUALS', 'X')],
    ['gt on a count', { gt: { playcount: 10 } }, cond('PLAY_COUNT', 'GREATER_THAN', 10)],
    ['lt on rating', { lt: { rating: 2 } }, cond('RATING', 'LESS_THAN', 2)],
    [
      'after a date: that day on, as Navidrome compares',
      { after: { dateAdded: '2020-01-01' } },
      cond('ADDED_AT', 'GREATER_EQUAL', '2020-01-01'),
    ],
    [
      'before a datetime keeps its day',
      { before: { lastPlayed: '2021-06-30T12:00:00Z' } },
      cond('LAST_PLAYED', 'LESS_THAN', '2021-06-30'),
    ],
    ['contains', { contains: { album: 'live' } }, cond('ALBUM_NAME', 'CONTAINS', 'live')],
    ['notContains', { notContains: { genre: 'rap' } }, cond('GENRE', 'NOT_CONTAINS', 'rap')],
    ['startsWith', { startsWith: { artist: 'The ' } }, cond('ARTIST_NAME', 'STARTS_WITH', 'The ')],
    ['endsWith', { endsWith: { title: 'Remix' } }, cond('TRACK_NAME', 'ENDS_WITH', 'Remix')],
    ['inTheRange on rating', { inTheRange: { rating: [2, 4] } }, cond('RATING', 'BETWEEN', [2, 4])],
    [
      'inTheRange on dates',
      { inTheRange: { dateAdded: ['2020-01-01', '2020-12-31'] } },
      cond('ADDED_AT', 'BETWEEN', ['2020-01-01', '2020-12-31']),
    ],
    [
      'inTheLast',
      { inTheLast: { dateAdded: 7 } },
      cond('ADDED_AT', 'IN_THE_LAST', { amount: 7, unit: 'days' }),
    ],
    [
      'notInTheLast',
      { notInTheLast: { lastPlayed: 90 } },
      cond('LAST_PLAYED', 'NOT_IN_THE_LAST', { amount: 90, unit: 'days' }),
    ],
    ['isMissing', { isMissing: { rating: true } }, cond('RATING', 'IS_EMPTY', null)],
    ['isPresent', { isPresent: { genre: true } }, cond('GENRE', 'IS_NOT_EMPTY', null)],
    ['loved false', { is: { loved: false } }, cond('LIKED', 'EQUALS', false)],
    ['any letter case', { IsNot: { PlayCount: 0 } }, cond('PLAY_COUNT', 'NOT_EQUALS', 0)],
    ['duration in ms', { gt: { duration: 300 } }, cond('DURATION', 'GREATER_THAN', 300_000)],
    ['fractional seconds', { lt: { duration: 90.5 } }, cond('DURATION', 'LESS_THAN', 90_500)],
    [
      'duration ranges in ms',
      { inTheRange: { duration: [60, 180] } },
      cond('DURATION', 'BETWEEN', [60_000, 180_000]),
    ],
  ];

  it.each(cases)('maps %s', (_name, rule, expected) => {
    const conversion = convert({ any: [rule] });
    expect(conversion).toEqual({
      definition: { name: 'Imported', match: 'any', rules: [expected] },
      problems: [],
    });
  });
});

describe('fromNsp rules it cannot map', () => {
  const cases: [string, object, NspProblem][] = [
    [
      'an unknown operator',
      { between: { rating: [1, 2] } },
      { path: 'all[1].between', message: 'unknown operator "between"' },
    ],
    [
      'a field Spotlib lacks',
      { is: { year: 1999 } },
      { path: 'all[1].is.year', message: 'field "year" has no Spotlib equivalent' },
    ],
    [
      'a playlist rule',
      { inPlaylist: { id: 'abc' } },
      {
        path: 'all[1].inPlaylist',
        message:
          '"inPlaylist" was left out: Navidrome playlist ids cannot refer to Spotlib playlists',
      },
    ],
    [
      'a number for a text',
      { is: { title: 5 } },
      { path: 'all[1].is.title', message: 'expects a non-empty text, not 5' },
    ],
    [
      'a text for a number',
      { gt: { playCount: '10' } },
      { path: 'all[1].gt.playCount', message: 'expects a number, not "10"' },
    ],
    [
      'a text for a boolean',
      { is: { loved: 'yes' } },
      { path: 'all[1].is.loved', message: 'expects true or false, not "yes"' },
    ],
    [
      'a day that does not exist',
      { after: { dateAdded: '2021-02-30' } },
      { path: 'all[1].after.dateAdded', message: 'expects a date YYYY-MM-DD, not "2021-02-30"' },
    ],
    [
      'an operator the field type lacks',
      { contains: { rating: 3 } },
      { path: 'all[1].contains.rating', message: '"contains" cannot be used with field "rating"' },
    ],
    [
      'a relative date on a number',
      { inTheLast: { playcount: 3 } },
      {
        path: 'all[1].inTheLast.playcount',
        message: '"inTheLast" cannot be used with field "playcount"',
      },
    ],
    [
      'isMissing on a field that is never empty',
      { isMissing: { title: true } },
      {
        path: 'all[1].isMissing.title',
        message: '"isMissing" cannot be used with field "title": it is never empty',
      },
    ],
    [
      'a rating above 5 stars',
      { gt: { rating: 6 } },
      { path: 'all[1].gt.rating', message: '6 is above the maximum' },
    ],
    [
      'a reversed range',
      { inTheRange: { rating: [4, 2] } },
      {
        path: 'all[1].inTheRange.rating',
        message: 'the range minimum is greater than its maximum',
      },
    ],
    [
      'a range that is not a pair',
      { inTheRange: { rating: 3 } },
      { path: 'all[1].inTheRange.rating', message: 'expects a range [min, max], not 3' },
    ],
    [
      'a fraction of a day',
      { inTheLast: { lastPlayed: 1.5 } },
      {
        path: 'all[1].inTheLast.lastPlayed',
        message: 'expects a whole number of days of at least 1, not 1.5',
      },
    ],
    [
      'two fields in one operator',
      { is: { title: 'a', album: 'b' } },
      { path: 'all[1].is', message: 'an operator takes exactly one field, found 2' },
    ],
    [
      'two operators in one rule',
      { is: { title: 'a' }, isNot: { album: 'b' } },
      { path: 'all[1]', message: 'a rule must have exactly one operator or group, found 2' },
    ],
  ];

  it.each(cases)('reports %s and leaves the rule out', (_name, rule, problem) => {
    const conversion = convert({ all: [LOVED, rule] });
    expect(definitionOf(conversion).rules).toEqual([LIKED]);
    expect(conversion.problems).toEqual([problem]);
  });

  it('refuses a file whose every rule was left out', () => {
    expect(convert({ all: [{ gt: { bpm: 120 } }] })).toEqual({
      definition: null,
      problems: [
        { path: 'all[0].gt.bpm', message: 'field "bpm" has no Spotlib equivalent' },
        { path: '(root)', message: 'no rule could be imported' },
      ],
    });
  });
});

describe('fromNsp groups', () => {
  it('leaves out a group whose rules were all left out, and says so', () => {
    const conversion = convert({ all: [LOVED, { any: [{ gt: { bpm: 120 } }] }] });
    expect(definitionOf(conversion).rules).toEqual([LIKED]);
    expect(conversion.problems).toEqual([
      { path: 'all[1].any[0].gt.bpm', message: 'field "bpm" has no Spotlib equivalent' },
      {
        path: 'all[1].any',
        message: 'the group was left out: none of its rules could be imported',
      },
    ]);
  });

  /** `rule` wrapped in enough `any` groups to sit at `depth` (top-level rules are depth 1). */
  function nestedAt(depth: number, rule: object): object {
    return depth === 1 ? rule : { any: [nestedAt(depth - 1, rule)] };
  }
  function expectedAt(depth: number, node: RuleNode): RuleNode {
    return depth === 1 ? node : { match: 'any', rules: [expectedAt(depth - 1, node)] };
  }

  it(`keeps rules ${MAX_DEPTH} levels deep`, () => {
    const conversion = convert({ all: [nestedAt(MAX_DEPTH, LOVED)] });
    expect(conversion.problems).toEqual([]);
    expect(definitionOf(conversion).rules).toEqual([expectedAt(MAX_DEPTH, LIKED)]);
  });

  it(`reports rules deeper than ${MAX_DEPTH} levels`, () => {
    const conversion = convert({ all: [LOVED, nestedAt(MAX_DEPTH + 1, LOVED)] });
    expect(definitionOf(conversion).rules).toEqual([LIKED]);
    expect(conversion.problems).toContainEqual({
      path: `all[1]${'.any[0]'.repeat(MAX_DEPTH)}`,
      message: `rules nest at most ${MAX_DEPTH} levels deep; this one was left out`,
    });
  });
});

describe('fromNsp sort and limit', () => {
  const limited = (extra: object) => convert({ all: [LOVED], ...extra });

  const selections: [string, object, string][] = [
    ['no sort: by title, as Navidrome', { limit: 10 }, 'name'],
    ['ascending play count', { sort: 'playCount', limit: 10 }, 'least_played'],
    ['"-" for descending', { sort: '-rating', limit: 10 }, 'highest_rated'],
    ['"+" for ascending', { sort: '+rating', limit: 10 }, 'lowest_rated'],
    ['order desc', { sort: 'dateAdded', order: 'desc', limit: 10 }, 'most_recently_added'],
    ['order desc reversing "-"', { sort: '-playcount', order: 'DESC', limit: 10 }, 'least_played'],
    [
      'least recently played',
      { sort: 'lastplayed', order: 'asc', limit: 10 },
      'least_recently_played',
    ],
    ['random', { sort: 'random', limit: 10 }, 'random'],
  ];

  it.each(selections)('selects by %s', (_name, extra, selectBy) => {
    const conversion = limited(extra);
    expect(conversion.problems).toEqual([]);
    expect(definitionOf(conversion).limit).toEqual({ count: 10, unit: 'tracks', selectBy });
  });

  const problems: [string, object, NspProblem, object | undefined][] = [
    [
      'a descending title',
      { sort: '-title', limit: 5 },
      {
        path: 'sort',
        message: 'descending title order cannot be expressed; tracks are selected by name',
      },
      { count: 5, unit: 'tracks', selectBy: 'name' },
    ],
    [
      'an unknown first sort key',
      { sort: 'dateLoved', order: 'desc', limit: 5 },
      {
        path: 'sort',
        message: 'sort key "dateLoved" has no Spotlib equivalent; tracks are selected by name',
      },
      { count: 5, unit: 'tracks', selectBy: 'name' },
    ],
    [
      'several further sort keys',
      { sort: 'rating, -playcount ,title', limit: 5 },
      {
        path: 'sort',
        message: 'only the first sort key selects the tracks; "-playcount", "title" were left out',
      },
      { count: 5, unit: 'tracks', selectBy: 'lowest_rated' },
    ],
    [
      'an invalid order',
      { sort: 'rating', order: 'up', limit: 5 },
      { path: 'order', message: 'order must be "asc" or "desc", not "up"; it was ignored' },
      { count: 5, unit: 'tracks', selectBy: 'lowest_rated' },
    ],
    [
      'a sort without limit',
      { sort: '-playcount' },
      { path: 'sort', message: 'sort without limit is not kept' },
      undefined,
    ],
    [
      'limitPercent',
      { limitPercent: 10 },
      { path: 'limitPercent', message: 'limitPercent is not supported; it was left out' },
      undefined,
    ],
    [
      'offset',
      { offset: 20, limit: 5 },
      { path: 'offset', message: 'offset is not supported; it was left out' },
      { count: 5, unit: 'tracks', selectBy: 'name' },
    ],
    [
      'a fractional limit',
      { limit: 2.5 },
      {
        path: 'limit',
        message: 'limit must be a whole number from 1 to 100000, not 2.5; it was left out',
      },
      undefined,
    ],
    [
      'a limit too large',
      { limit: 100_001 },
      {
        path: 'limit',
        message: 'limit must be a whole number from 1 to 100000, not 100001; it was left out',
      },
      undefined,
    ],
  ];

  it.each(problems)('reports %s', (_name, extra, problem, limit) => {
    const conversion = limited(extra);
    expect(conversion.problems).toEqual([problem]);
    expect(definitionOf(conversion).limit).toEqual(limit);
  });

  it('treats a limit of 0 as no limit, as Navidrome does', () => {
    expect(limited({ limit: 0, offset: 0, limitPercent: 0 })).toEqual({
      definition: { name: 'Imported', match: 'all', rules: [LIKED] },
      problems: [],
    });
  });
});

describe('fromNsp documents', () => {
  it('uses the fallback name and omits a missing comment', () => {
    expect(convert({ any: [LOVED], public: false })).toEqual({
      definition: { name: 'Imported', match: 'any', rules: [LIKED] },
      problems: [],
    });
  });

  it('reads top-level keys in any letter case, as Navidrome does', () => {
    const conversion = convert({ Name: 'Loud', ALL: [LOVED], Limit: 3 });
    expect(conversion).toEqual({
      definition: {
        name: 'Loud',
        match: 'all',
        rules: [LIKED],
        limit: { count: 3, unit: 'tracks', selectBy: 'name' },
      },
      problems: [],
    });
  });

  it('reports an unknown top-level key', () => {
    const conversion = convert({ all: [LOVED], shuffle: true });
    expect(conversion.problems).toEqual([
      { path: 'shuffle', message: 'unknown key "shuffle" was ignored' },
    ]);
  });

  const refused: [string, string, NspProblem][] = [
    [
      'neither all nor any',
      '{"name": "x"}',
      { path: '(root)', message: 'no rules: the file has neither all nor any' },
    ],
    ['an empty all', '{"all": []}', { path: 'all', message: 'all has no rules' }],
    [
      'a list',
      '[{"is": {"loved": true}}]',
      { path: '(file)', message: 'the file is not a JSON object' },
    ],
    [
      'an empty file',
      '  // nothing\n',
      { path: '(file)', message: 'invalid JSON at line 2, column 1: ValueExpected' },
    ],
    [
      'a missing comma',
      '{\n  "all": [\n    {"is": {"loved": true}}\n    {"is": {"loved": false}}\n  ]\n}',
      { path: '(file)', message: 'invalid JSON at line 4, column 5: CommaExpected' },
    ],
  ];

  it.each(refused)('refuses %s', (_name, text, problem) => {
    const conversion = fromNsp(text, 'Imported');
    expect(conversion.definition).toBeNull();
    expect(conversion.problems).toContainEqual(problem);
  });

  it('accepts trailing commas and block comments', () => {
    const text = '{ /* loved */ "all": [ {"is": {"loved": true}}, ], }';
    expect(fromNsp(text, 'Imported').definition).toEqual({
      name: 'Imported',
      match: 'all',
      rules: [LIKED],
    });
  });
});

function cond(
  field: Condition['field'],
  operator: Condition['operator'],
  value: Condition['value'],
): Condition {
  return { field, operator, value };
}
