import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { numberArray, textArray } from '../db/array-literal.js';
import { likeLiteral, sortKey } from '../db/sort-key.js';
import { genresOfArtist } from '../library/user-artist-genres.js';
import {
  FIELDS,
  NEGATION_OF,
  isGroup,
  type Condition,
  type FieldSpec,
  type Match,
  type Period,
  type PlaylistRef,
  type RuleNode,
  type Scalar,
  type SelectBy,
  type SmartLimit,
} from './rules.js';

/** What a rule's meaning depends on besides the tracks: whose, when, and where. */
export interface RuleContext {
  userId: number;
  /** "now" for relative periods, passed in so a result is reproducible */
  now: Date;
  /** the user's IANA time zone: dates are local days */
  zone: string;
}

/** A condition on `ut` (user_track) and, when `readsStats`, `s` (its counters). */
export interface CompiledRules {
  where: RawBuilder<SqlBool>;
  readsStats: boolean;
}

type Sql = RawBuilder<SqlBool>;

/**
 * Compiles a rule tree to one parameterised SQL condition. Every user value
 * is a bound parameter; only names from the field registry and fixed
 * keywords become SQL text. Fields with several values per track (artists,
 * genres, tags) and playlist membership are EXISTS subqueries, so a rule
 * joins only what it reads.
 */
export function compileRules(
  tree: { match: Match; rules: readonly RuleNode[] },
  context: RuleContext,
): CompiledRules {
  return {
    where: group(tree.match, tree.rules, context),
    readsStats: readsStats(tree.rules),
  };
}

function readsStats(rules: readonly RuleNode[]): boolean {
  return rules.some((node) =>
    isGroup(node) ? readsStats(node.rules) : FIELDS[node.field].source === 'stats',
  );
}

function group(match: Match, rules: readonly RuleNode[], context: RuleContext): Sql {
  if (rules.length === 0) return sql<SqlBool>`true`;
  const parts = rules.map((node) =>
    isGroup(node) ? group(node.match, node.rules, context) : condition(node, context),
  );
  return sql<SqlBool>`(${sql.join(parts, match === 'all' ? sql` AND ` : sql` OR `)})`;
}

/** A negative operator is NOT of its positive, a missing value counting as no match. */
function condition(rule: Condition, context: RuleContext): Sql {
  const positiveOperator = NEGATION_OF[rule.operator];
  if (positiveOperator === undefined) return positive(rule, context);
  const matched = positive({ ...rule, operator: positiveOperator }, context);
  return sql<SqlBool>`NOT coalesce(${matched}, false)`;
}

function positive(rule: Condition, context: RuleContext): Sql {
  const spec = FIELDS[rule.field];
  switch (spec.source) {
    case 'track':
    case 'stats':
      return onColumn(rule, spec, context);
    case 'artists':
      return sql<SqlBool>`EXISTS (SELECT 1 FROM track_artist ta JOIN artist a ON a.id = ta.artist_id
        WHERE ta.track_id = ut.track_id AND ${text(sql`a.sort_name`, rule)})`;
    case 'genres':
      return genres(rule, context);
    case 'tags':
      return tags(rule, context);
    case 'playlists':
      return inPlaylist(rule.value as PlaylistRef);
  }
}

function onColumn(rule: Condition, spec: FieldSpec, context: RuleContext): Sql {
  const column = sql.ref(`${spec.source === 'stats' ? 's' : 'ut'}.${spec.column!}`);
  if (rule.operator === 'IS_EMPTY') {
    return spec.empty === 'zero' ? sql<SqlBool>`${column} = 0` : sql<SqlBool>`${column} IS NULL`;
  }
  switch (spec.type) {
    case 'number':
      return number(column, rule, spec.scale ?? 1);
    case 'date':
      return date(column, rule, context);
    case 'text':
      return text(column, rule);
    case 'boolean':
      return sql<SqlBool>`${column} = ${rule.value}`;
    case 'playlist':
      throw new Error('a playlist is not a column');
  }
}

const COMPARISONS = {
  EQUALS: '=',
  GREATER_THAN: '>',
  LESS_THAN: '<',
  GREATER_EQUAL: '>=',
  LESS_EQUAL: '<=',
} as const;

function number(column: RawBuilder<unknown>, rule: Condition, scale: number): Sql {
  const scaled = (v: Scalar) => (v as number) * scale;
  if (rule.operator === 'BETWEEN') {
    const [min, max] = rule.value as number[];
    return sql<SqlBool>`${column} BETWEEN ${scaled(min!)} AND ${scaled(max!)}`;
  }
  if (rule.operator === 'IN') {
    return sql<SqlBool>`${column} = ANY(${numberArray((rule.value as number[]).map(scaled))}::bigint[])`;
  }
  const op = COMPARISONS[rule.operator as keyof typeof COMPARISONS];
  return sql<SqlBool>`${column} ${sql.raw(op)} ${scaled(rule.value as number)}`;
}

/**
 * Dates are the user's local days: "after 2024-05-01" starts when that day
 * ends in their zone. Periods count back from "now" on the local calendar, so
 * a month is a calendar month.
 */
function date(column: RawBuilder<unknown>, rule: Condition, context: RuleContext): Sql {
  const { zone } = context;
  const dayStart = (day: string, plusDays = 0) =>
    sql`((${day}::date + ${plusDays}::int)::timestamp AT TIME ZONE ${zone})`;
  if (rule.operator === 'IN_THE_LAST') {
    const { amount, unit } = rule.value as Period;
    const period = sql`make_interval(${sql.raw(PERIOD_ARGUMENT[unit])} => ${amount}::int)`;
    return sql<SqlBool>`${column} >= ((${context.now}::timestamptz AT TIME ZONE ${zone}) - ${period}) AT TIME ZONE ${zone}`;
  }
  if (rule.operator === 'BETWEEN') {
    const [from, to] = rule.value as string[];
    return sql<SqlBool>`(${column} >= ${dayStart(from!)} AND ${column} < ${dayStart(to!, 1)})`;
  }
  const day = rule.value as string;
  const comparisons: Partial<Record<Condition['operator'], Sql>> = {
    EQUALS: sql<SqlBool>`(${column} >= ${dayStart(day)} AND ${column} < ${dayStart(day, 1)})`,
    GREATER_THAN: sql<SqlBool>`${column} >= ${dayStart(day, 1)}`,
    GREATER_EQUAL: sql<SqlBool>`${column} >= ${dayStart(day)}`,
    LESS_THAN: sql<SqlBool>`${column} < ${dayStart(day)}`,
    LESS_EQUAL: sql<SqlBool>`${column} < ${dayStart(day, 1)}`,
  };
  return known(comparisons[rule.operator], rule);
}

/** Validation lets only a field's own operators through, and negatives arrive as positives. */
function known(compiled: Sql | undefined, rule: Condition): Sql {
  if (compiled === undefined) throw new Error(`${rule.operator} does not apply to ${rule.field}`);
  return compiled;
}

const PERIOD_ARGUMENT = { days: 'days', weeks: 'weeks', months: 'months' } as const;

/** `key` is already a sort key (case and accents folded): the value is folded the same way. */
function text(key: RawBuilder<unknown>, rule: Condition): Sql {
  if (rule.operator === 'IN') {
    return sql<SqlBool>`${key} = ANY(${textArray((rule.value as string[]).map(sortKey))}::text[])`;
  }
  const folded = sortKey(rule.value as string);
  const literal = likeLiteral(folded);
  const patterns: Partial<Record<Condition['operator'], string>> = {
    CONTAINS: `%${literal}%`,
    STARTS_WITH: `${literal}%`,
    ENDS_WITH: `%${literal}`,
  };
  if (rule.operator === 'EQUALS') return sql<SqlBool>`${key} = ${folded}`;
  const pattern = patterns[rule.operator];
  return known(pattern === undefined ? undefined : sql<SqlBool>`${key} LIKE ${pattern}`, rule);
}

/** Some genre of some credited artist matches (as the user sees them, edits included). */
function genres(rule: Condition, context: RuleContext): Sql {
  const ofTrack = sql`FROM track_artist ta
    CROSS JOIN LATERAL ${genresOfArtist(context.userId, sql`ta.artist_id`)} ag
    WHERE ta.track_id = ut.track_id`;
  if (rule.operator === 'IS_EMPTY') return sql<SqlBool>`NOT EXISTS (SELECT 1 ${ofTrack})`;
  // An array: the matching genres are found once for the query, not once per track.
  return sql<SqlBool>`EXISTS (SELECT 1 ${ofTrack}
    AND ag.genre_id = ANY(ARRAY(SELECT g.id FROM genre g WHERE ${text(sql`g.sort_name`, rule)})))`;
}

/** The user's tags are found once by name (an array, like genres), then probed per track. */
function tags(rule: Condition, context: RuleContext): Sql {
  const ofTrack = sql`FROM track_tag tt
    WHERE tt.user_id = ut.user_id AND tt.user_track_id = ut.id`;
  if (rule.operator === 'IS_EMPTY') return sql<SqlBool>`NOT EXISTS (SELECT 1 ${ofTrack})`;
  return sql<SqlBool>`EXISTS (SELECT 1 ${ofTrack} AND tt.tag_id = ANY(ARRAY(
    SELECT g.id FROM tag g WHERE g.user_id = ${context.userId} AND ${text(sql`g.sort_key`, rule)})))`;
}

/** A smart playlist's membership is its last refresh, so a rule never evaluates another's rules. */
function inPlaylist(ref: PlaylistRef): Sql {
  return 'playlistId' in ref
    ? sql<SqlBool>`EXISTS (SELECT 1 FROM playlist_track pt WHERE pt.user_id = ut.user_id
        AND pt.user_track_id = ut.id AND pt.playlist_id = ${ref.playlistId})`
    : sql<SqlBool>`EXISTS (SELECT 1 FROM smart_playlist_track sp WHERE sp.user_id = ut.user_id
        AND sp.user_track_id = ut.id AND sp.smart_playlist_id = ${ref.smartPlaylistId})`;
}

/**
 * The order a limit selects tracks in, over `ut` and `s`; ties go by id in
 * the key's direction and missing values (unrated, never played) come last,
 * as in the library's sorts. Random is a hash of the refresh's seed and the
 * id: stable until the next refresh, the same on both engines.
 */
export function selectionOrder(selectBy: SelectBy, seed: number): RawBuilder<unknown> {
  // NULLS LAST only where a key can be NULL: elsewhere it would hide the index's order.
  const by = (key: RawBuilder<unknown>, direction: 'asc' | 'desc', nullable = false) =>
    sql`${key} ${sql.raw(direction)}${sql.raw(nullable ? ' NULLS LAST' : '')}, ut.id ${sql.raw(direction)}`;
  switch (selectBy) {
    case 'random':
      return sql`md5(${String(seed)}::text || ':' || ut.id::text), ut.id`;
    case 'most_played':
      return by(sql`s.play_count`, 'desc');
    case 'least_played':
      return by(sql`s.play_count`, 'asc');
    case 'highest_rated':
      return by(sql`ut.rating`, 'desc', true);
    case 'lowest_rated':
      return by(sql`ut.rating`, 'asc', true);
    case 'most_recently_played':
      return by(sql`s.last_played_at`, 'desc', true);
    case 'least_recently_played':
      return by(sql`s.last_played_at`, 'asc', true);
    case 'most_recently_added':
      return by(sql`ut.added_at`, 'desc');
    case 'least_recently_added':
      return by(sql`ut.added_at`, 'asc');
    case 'name':
      return by(sql`ut.title_sort`, 'asc');
  }
}

/**
 * A definition's tracks as one condition on `ut`: its rules, or, with a
 * limit, membership of the first tracks its rules match in the limit's
 * order (for minutes, the longest run that fits).
 */
export function compileSelection(
  definition: { match: Match; rules: readonly RuleNode[]; limit?: SmartLimit | null | undefined },
  context: RuleContext,
  seed: number,
): CompiledRules {
  const rules = compileRules(definition, context);
  const { limit } = definition;
  if (!limit) return rules;
  const order = selectionOrder(limit.selectBy, seed);
  const matched = sql`FROM user_track ut
    JOIN user_track_stats s ON s.user_id = ut.user_id AND s.user_track_id = ut.id
    WHERE ut.user_id = ${context.userId} AND ${rules.where}`;
  const selected =
    limit.unit === 'tracks'
      ? sql`SELECT ut.id ${matched} ORDER BY ${order} LIMIT ${limit.count}`
      : sql`SELECT id FROM (
          SELECT ut.id, sum(coalesce(ut.duration_ms, 0)) OVER (ORDER BY ${order}
            ROWS UNBOUNDED PRECEDING) AS running
          ${matched}) run
        WHERE running <= ${limit.count * 60_000}`;
  return { where: sql<SqlBool>`ut.id IN (${selected})`, readsStats: false };
}

/** What a refresh writes: the selection, the order of its positions, its seed and "now". */
export interface Materialisation {
  selection: CompiledRules;
  order: RawBuilder<unknown>;
  seed: number;
  evaluatedAt: Date;
}

/** A refresh of a definition at `context.now` with a seed: positions in the limit's order, or newest first. */
export function materialisation(
  definition: { match: Match; rules: readonly RuleNode[]; limit?: SmartLimit | null | undefined },
  context: RuleContext,
  seed: number,
): Materialisation {
  return {
    selection: compileSelection(definition, context, seed),
    order: selectionOrder(definition.limit?.selectBy ?? 'most_recently_added', seed),
    seed,
    evaluatedAt: context.now,
  };
}
