/**
 * The smart playlist rule model: pure data and the one registry of fields
 * that validation, storage, the SQL compiler and the tests' in-memory
 * evaluator all read.
 */

export const RULE_FIELDS = [
  'RATING',
  'PLAY_COUNT',
  'SKIP_COUNT',
  'MS_PLAYED',
  'DURATION',
  'LAST_PLAYED',
  'ADDED_AT',
  'TRACK_NAME',
  'ARTIST_NAME',
  'ALBUM_NAME',
  'GENRE',
  'TAG',
  'LIKED',
  'IN_PLAYLIST',
] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

export const RULE_OPERATORS = [
  'EQUALS',
  'NOT_EQUALS',
  'GREATER_THAN',
  'LESS_THAN',
  'GREATER_EQUAL',
  'LESS_EQUAL',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'CONTAINS',
  'NOT_CONTAINS',
  'STARTS_WITH',
  'ENDS_WITH',
  'IS_EMPTY',
  'IS_NOT_EMPTY',
  'IN_THE_LAST',
  'NOT_IN_THE_LAST',
] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

export const SELECT_BY = [
  'random',
  'most_played',
  'least_played',
  'highest_rated',
  'lowest_rated',
  'most_recently_played',
  'least_recently_played',
  'most_recently_added',
  'least_recently_added',
  'name',
] as const;
export type SelectBy = (typeof SELECT_BY)[number];

export const PERIOD_UNITS = ['days', 'weeks', 'months'] as const;
export type PeriodUnit = (typeof PERIOD_UNITS)[number];
/** A hundred years of each unit: far enough back for any library, near enough for SQL's dates. */
export const PERIOD_MAX: Record<PeriodUnit, number> = { days: 36_525, weeks: 5_218, months: 1_200 };
export type Match = 'all' | 'any';

export interface Period {
  amount: number;
  unit: PeriodUnit;
}

/** Another playlist of the user's: a manual one or a smart one (its last refresh). */
export type PlaylistRef = { playlistId: number } | { smartPlaylistId: number };

export type Scalar = number | string | boolean;
export type RuleValue = Scalar | Scalar[] | Period | PlaylistRef | null;

export interface Condition {
  field: RuleField;
  operator: RuleOperator;
  value: RuleValue;
}

export interface Group {
  match: Match;
  rules: RuleNode[];
}

export type RuleNode = Condition | Group;

export interface SmartLimit {
  count: number;
  unit: 'tracks' | 'minutes';
  selectBy: SelectBy;
}

/** A smart playlist as the API takes and returns it. */
export interface SmartDefinition {
  name: string;
  description?: string | null | undefined;
  match: Match;
  rules: RuleNode[];
  limit?: SmartLimit | null | undefined;
}

/** Nodes nest at most this deep (top-level rules are depth 1), as the rule table's CHECK says. */
export const MAX_DEPTH = 5;

export type FieldType = 'number' | 'date' | 'text' | 'boolean' | 'playlist';

/**
 * What a field's "empty" means: NULL (unrated, never played, no album), zero
 * (a counter), no value at all (a track without tags or genres), or never.
 */
export type Emptiness = 'null' | 'zero' | 'none' | null;

export interface FieldSpec {
  type: FieldType;
  /**
   * Where the values live: a column of user_track (`ut`) or of its counters
   * (`s`), or rows joined per track (several values per track).
   */
  source: 'track' | 'stats' | 'artists' | 'genres' | 'tags' | 'playlists';
  /** the column, for `track` and `stats` sources */
  column?: string;
  empty: Emptiness;
  /** stored = value × scale (ratings are stored in half stars) */
  scale?: number;
  /** allowed range of a number value */
  min?: number;
  max?: number;
  /** numbers must be multiples of this (ratings: 0.5) */
  step?: number;
}

/** The columns' integer type bounds a value: beyond it the comparison would be an SQL error. */
const INT_MAX = 2_147_483_647;

export const FIELDS: Record<RuleField, FieldSpec> = {
  RATING: {
    type: 'number',
    source: 'track',
    column: 'rating',
    empty: 'null',
    scale: 2,
    min: 0,
    max: 5,
    step: 0.5,
  },
  PLAY_COUNT: {
    type: 'number',
    source: 'stats',
    column: 'play_count',
    empty: 'zero',
    min: 0,
    max: INT_MAX,
    step: 1,
  },
  SKIP_COUNT: {
    type: 'number',
    source: 'stats',
    column: 'skip_count',
    empty: 'zero',
    min: 0,
    max: INT_MAX,
    step: 1,
  },
  MS_PLAYED: {
    type: 'number',
    source: 'stats',
    column: 'ms_played',
    empty: 'zero',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    step: 1,
  },
  DURATION: {
    type: 'number',
    source: 'track',
    column: 'duration_ms',
    empty: 'null',
    min: 0,
    max: INT_MAX,
    step: 1,
  },
  LAST_PLAYED: { type: 'date', source: 'stats', column: 'last_played_at', empty: 'null' },
  ADDED_AT: { type: 'date', source: 'track', column: 'added_at', empty: null },
  TRACK_NAME: { type: 'text', source: 'track', column: 'title_sort', empty: null },
  ARTIST_NAME: { type: 'text', source: 'artists', empty: null },
  ALBUM_NAME: { type: 'text', source: 'track', column: 'album_sort', empty: 'null' },
  GENRE: { type: 'text', source: 'genres', empty: 'none' },
  TAG: { type: 'text', source: 'tags', empty: 'none' },
  LIKED: { type: 'boolean', source: 'track', column: 'liked', empty: null },
  IN_PLAYLIST: { type: 'playlist', source: 'playlists', empty: null },
};

/** The operators of each field type (IS_EMPTY / IS_NOT_EMPTY also need an emptiness). */
export const OPERATORS_OF: Record<FieldType, readonly RuleOperator[]> = {
  number: [
    'EQUALS',
    'NOT_EQUALS',
    'GREATER_THAN',
    'LESS_THAN',
    'GREATER_EQUAL',
    'LESS_EQUAL',
    'BETWEEN',
    'IN',
    'NOT_IN',
    'IS_EMPTY',
    'IS_NOT_EMPTY',
  ],
  date: [
    'EQUALS',
    'NOT_EQUALS',
    'GREATER_THAN',
    'LESS_THAN',
    'GREATER_EQUAL',
    'LESS_EQUAL',
    'BETWEEN',
    'IN_THE_LAST',
    'NOT_IN_THE_LAST',
    'IS_EMPTY',
    'IS_NOT_EMPTY',
  ],
  text: [
    'EQUALS',
    'NOT_EQUALS',
    'CONTAINS',
    'NOT_CONTAINS',
    'STARTS_WITH',
    'ENDS_WITH',
    'IN',
    'NOT_IN',
    'IS_EMPTY',
    'IS_NOT_EMPTY',
  ],
  boolean: ['EQUALS', 'NOT_EQUALS'],
  playlist: ['EQUALS', 'NOT_EQUALS'],
};

/**
 * Each negative operator is the negation of a positive one, whatever the
 * field: NOT_EQUALS matches where EQUALS does not, including where the value
 * is missing (an unrated track "is not rated 5"), NOT_IN_THE_LAST matches
 * tracks never played, and on several values (genres, tags, artists) a
 * negative means "no value matches".
 */
export const NEGATION_OF: Partial<Record<RuleOperator, RuleOperator>> = {
  NOT_EQUALS: 'EQUALS',
  NOT_IN: 'IN',
  NOT_CONTAINS: 'CONTAINS',
  IS_NOT_EMPTY: 'IS_EMPTY',
  NOT_IN_THE_LAST: 'IN_THE_LAST',
};

export function isGroup(node: RuleNode): node is Group {
  return 'rules' in node;
}

/** Every playlist a definition's rules refer to, with the path of the rule's value. */
export function playlistRefs(
  rules: readonly RuleNode[],
  path = 'rules',
): { ref: PlaylistRef; path: string }[] {
  return rules.flatMap((node, i) => {
    const at = `${path}[${i}]`;
    if (isGroup(node)) return playlistRefs(node.rules, `${at}.rules`);
    return node.field === 'IN_PLAYLIST'
      ? [{ ref: node.value as PlaylistRef, path: `${at}.value` }]
      : [];
  });
}
