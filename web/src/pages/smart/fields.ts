import {
  FIELDS,
  OPERATORS_OF,
  RULE_FIELDS,
  type PeriodUnit,
  type RuleField,
  type RuleOperator,
  type Scalar,
  type SelectBy,
} from '../../api/smart-playlists';

/** How a field's single value is entered. */
export type ValueKind =
  'stars' | 'count' | 'duration' | 'date' | 'text' | 'tag' | 'genre' | 'boolean' | 'playlist';

interface FieldUi {
  label: string;
  kind: ValueKind;
  /** what a new rule on this field starts with: complete where a sensible value exists */
  operator: RuleOperator;
  value: () => Scalar | undefined;
  /** IS_EMPTY / IS_NOT_EMPTY in this field's words */
  empty?: [string, string];
}

/** Today in the browser's time zone, as a date input shows it. */
export function today(): string {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

/**
 * The one table of the editor: for each field of the server's registry, its
 * label, its input and its starting rule. Types, ranges and operators come
 * from the registry itself (FIELDS, OPERATORS_OF).
 */
export const FIELD_UI: Record<RuleField, FieldUi> = {
  RATING: {
    label: 'Rating',
    kind: 'stars',
    operator: 'GREATER_EQUAL',
    value: () => 4,
    empty: ['is unrated', 'is rated'],
  },
  PLAY_COUNT: {
    label: 'Plays',
    kind: 'count',
    operator: 'GREATER_EQUAL',
    value: () => 10,
    empty: ['was never played', 'was played'],
  },
  SKIP_COUNT: {
    label: 'Skips',
    kind: 'count',
    operator: 'GREATER_EQUAL',
    value: () => 1,
    empty: ['was never skipped', 'was skipped'],
  },
  MS_PLAYED: {
    label: 'Time played',
    kind: 'duration',
    operator: 'GREATER_EQUAL',
    value: () => 3_600_000,
    empty: ['was never played', 'was played'],
  },
  DURATION: {
    label: 'Duration',
    kind: 'duration',
    operator: 'LESS_THAN',
    value: () => 300_000,
    empty: ['has no duration', 'has a duration'],
  },
  LAST_PLAYED: {
    label: 'Last played',
    kind: 'date',
    operator: 'IN_THE_LAST',
    value: today,
    empty: ['never', 'at any time'],
  },
  ADDED_AT: { label: 'Date added', kind: 'date', operator: 'IN_THE_LAST', value: today },
  TRACK_NAME: { label: 'Title', kind: 'text', operator: 'CONTAINS', value: () => undefined },
  ARTIST_NAME: { label: 'Artist', kind: 'text', operator: 'CONTAINS', value: () => undefined },
  ALBUM_NAME: {
    label: 'Album',
    kind: 'text',
    operator: 'CONTAINS',
    value: () => undefined,
    empty: ['has no album', 'has an album'],
  },
  GENRE: {
    label: 'Genre',
    kind: 'genre',
    operator: 'EQUALS',
    value: () => undefined,
    empty: ['has no genre', 'has a genre'],
  },
  TAG: {
    label: 'Tag',
    kind: 'tag',
    operator: 'EQUALS',
    value: () => undefined,
    empty: ['has no tag', 'has a tag'],
  },
  LIKED: { label: 'Liked', kind: 'boolean', operator: 'EQUALS', value: () => true },
  IN_PLAYLIST: {
    label: 'Playlist',
    kind: 'playlist',
    operator: 'EQUALS',
    value: () => undefined,
  },
};

export const FIELD_ORDER = RULE_FIELDS;

const IS_EMPTY_OPERATORS: readonly RuleOperator[] = ['IS_EMPTY', 'IS_NOT_EMPTY'];

/** The operators the server accepts on a field: its type's, empties only where it has them. */
export function operatorsOf(field: RuleField): readonly RuleOperator[] {
  const spec = FIELDS[field];
  const operators = OPERATORS_OF[spec.type];
  return spec.empty === null
    ? operators.filter((op) => !IS_EMPTY_OPERATORS.includes(op))
    : operators;
}

const DATE_WORDS: Partial<Record<RuleOperator, string>> = {
  EQUALS: 'is on',
  NOT_EQUALS: 'is not on',
  GREATER_THAN: 'is after',
  LESS_THAN: 'is before',
  GREATER_EQUAL: 'is on or after',
  LESS_EQUAL: 'is on or before',
};

const OPERATOR_WORDS: Record<RuleOperator, string> = {
  EQUALS: 'is',
  NOT_EQUALS: 'is not',
  GREATER_THAN: 'is greater than',
  LESS_THAN: 'is less than',
  GREATER_EQUAL: 'is at least',
  LESS_EQUAL: 'is at most',
  BETWEEN: 'is between',
  IN: 'is one of',
  NOT_IN: 'is none of',
  CONTAINS: 'contains',
  NOT_CONTAINS: 'does not contain',
  STARTS_WITH: 'starts with',
  ENDS_WITH: 'ends with',
  IS_EMPTY: 'is empty',
  IS_NOT_EMPTY: 'is not empty',
  IN_THE_LAST: 'is in the last',
  NOT_IN_THE_LAST: 'is not in the last',
};

/** An operator in the words of its field: "is after" for dates, "is unrated" for ratings. */
export function operatorLabel(field: RuleField, operator: RuleOperator): string {
  const ui = FIELD_UI[field];
  if (operator === 'IS_EMPTY' && ui.empty) return ui.empty[0];
  if (operator === 'IS_NOT_EMPTY' && ui.empty) return ui.empty[1];
  if (ui.kind === 'date') return DATE_WORDS[operator] ?? OPERATOR_WORDS[operator];
  if (ui.kind === 'duration' && operator === 'GREATER_THAN') return 'is longer than';
  if (ui.kind === 'duration' && operator === 'LESS_THAN') return 'is shorter than';
  return OPERATOR_WORDS[operator];
}

/** The shape of value an operator takes. */
export type ValueShape = 'none' | 'period' | 'range' | 'list' | 'single';

export function shapeOf(operator: RuleOperator): ValueShape {
  switch (operator) {
    case 'IS_EMPTY':
    case 'IS_NOT_EMPTY':
      return 'none';
    case 'IN_THE_LAST':
    case 'NOT_IN_THE_LAST':
      return 'period';
    case 'BETWEEN':
      return 'range';
    case 'IN':
    case 'NOT_IN':
      return 'list';
    case 'EQUALS':
    case 'NOT_EQUALS':
    case 'GREATER_THAN':
    case 'LESS_THAN':
    case 'GREATER_EQUAL':
    case 'LESS_EQUAL':
    case 'CONTAINS':
    case 'NOT_CONTAINS':
    case 'STARTS_WITH':
    case 'ENDS_WITH':
      return 'single';
  }
}

export const PERIOD_WORDS: Record<PeriodUnit, string> = {
  days: 'days',
  weeks: 'weeks',
  months: 'months',
};

export const SELECT_BY_WORDS: Record<SelectBy, string> = {
  random: 'at random',
  most_played: 'most played',
  least_played: 'least played',
  highest_rated: 'highest rated',
  lowest_rated: 'lowest rated',
  most_recently_played: 'most recently played',
  least_recently_played: 'least recently played',
  most_recently_added: 'most recently added',
  least_recently_added: 'least recently added',
  name: 'title (A to Z)',
};

const FIELD_CODES = new RegExp(`\\b(${RULE_FIELDS.join('|')})\\b`, 'g');

/** The server's message with its field codes as the editor labels them: "Plays is at least 0". */
export function inFieldWords(message: string): string {
  return message.replace(FIELD_CODES, (code) => FIELD_UI[code as RuleField].label);
}
