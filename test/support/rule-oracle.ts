/**
 * An in-memory evaluator of smart playlist rules, written from the rules'
 * specification and independently of the SQL compiler: the oracle a property
 * test compares the compiler with.
 *
 * Limit of the date arithmetic: converting a local wall time back to an
 * instant (IN_THE_LAST) iterates on the zone's UTC offset, which is exact for
 * fixed-offset zones and for DST zones away from a transition; a wall time in
 * a DST gap or overlap may resolve to either side, where PostgreSQL picks a
 * particular one.
 */
import { sortKey } from '../../src/db/sort-key.js';
import {
  FIELDS,
  NEGATION_OF,
  OPERATORS_OF,
  isGroup,
  type Condition,
  type Match,
  type Period,
  type PlaylistRef,
  type RuleField,
  type RuleNode,
  type RuleOperator,
  type RuleValue,
  type SmartLimit,
} from '../../src/smart-playlists/rules.js';

export interface TrackFacts {
  id: number;
  trackName: string;
  albumName: string | null;
  /** all credited artists */
  artistNames: string[];
  genres: string[];
  tags: string[];
  /** stars 0..5 in 0.5 steps */
  rating: number | null;
  playCount: number;
  skipCount: number;
  msPlayed: number;
  durationMs: number | null;
  lastPlayedAt: Date | null;
  addedAt: Date;
  liked: boolean;
  /** manual playlist ids the track is in */
  playlists: number[];
  /** smart playlist ids whose materialised result holds it */
  smartPlaylists: number[];
}

/** A never-played, unrated, untagged track for hand-written examples; `facts` override. */
export function trackFacts(facts: Partial<TrackFacts> = {}): TrackFacts {
  return {
    id: 1,
    trackName: 'Song',
    albumName: null,
    artistNames: ['Artist'],
    genres: [],
    tags: [],
    rating: null,
    playCount: 0,
    skipCount: 0,
    msPlayed: 0,
    durationMs: null,
    lastPlayedAt: null,
    addedAt: new Date('2026-01-01T00:00:00Z'),
    liked: false,
    playlists: [],
    smartPlaylists: [],
    ...facts,
  };
}

export interface OracleContext {
  now: Date;
  /** an IANA zone */
  zone: string;
}

/**
 * Whether a definition's rules select the track. A definition without rules
 * selects the whole library, whatever its match (the API allows an empty
 * top level; a group needs a rule).
 */
export function matches(
  def: { match: Match; rules: RuleNode[] },
  track: TrackFacts,
  ctx: OracleContext,
): boolean {
  return matchGroup(def.match, def.rules, track, ctx);
}

function matchGroup(match: Match, rules: RuleNode[], track: TrackFacts, ctx: OracleContext) {
  if (rules.length === 0) return true;
  const test = (node: RuleNode): boolean =>
    isGroup(node)
      ? matchGroup(node.match, node.rules, track, ctx)
      : matchCondition(node, track, ctx);
  return match === 'all' ? rules.every(test) : rules.some(test);
}

function matchCondition(condition: Condition, track: TrackFacts, ctx: OracleContext): boolean {
  const { field, operator, value } = condition;
  const spec = FIELDS[field];
  if (!OPERATORS_OF[spec.type].includes(operator)) {
    throw new Error(`oracle: ${operator} does not apply to ${field}`);
  }
  if ((operator === 'IS_EMPTY' || operator === 'IS_NOT_EMPTY') && spec.empty === null) {
    throw new Error(`oracle: ${field} has no emptiness`);
  }
  const positive = NEGATION_OF[operator];
  if (positive !== undefined) return !matchPositive(field, positive, value, track, ctx);
  return matchPositive(field, operator, value, track, ctx);
}

function matchPositive(
  field: RuleField,
  operator: RuleOperator,
  value: RuleValue,
  track: TrackFacts,
  ctx: OracleContext,
): boolean {
  switch (field) {
    case 'RATING':
      return matchNumber(operator, value, track.rating, track.rating === null);
    case 'DURATION':
      return matchNumber(operator, value, track.durationMs, track.durationMs === null);
    case 'PLAY_COUNT':
      return matchNumber(operator, value, track.playCount, track.playCount === 0);
    case 'SKIP_COUNT':
      return matchNumber(operator, value, track.skipCount, track.skipCount === 0);
    case 'MS_PLAYED':
      return matchNumber(operator, value, track.msPlayed, track.msPlayed === 0);
    case 'LAST_PLAYED':
      return matchDate(operator, value, track.lastPlayedAt, ctx);
    case 'ADDED_AT':
      return matchDate(operator, value, track.addedAt, ctx);
    case 'TRACK_NAME':
      return matchText(operator, value, [track.trackName], false);
    case 'ARTIST_NAME':
      return matchText(operator, value, track.artistNames, track.artistNames.length === 0);
    case 'ALBUM_NAME':
      return matchText(
        operator,
        value,
        track.albumName === null ? [] : [track.albumName],
        track.albumName === null,
      );
    case 'GENRE':
      return matchText(operator, value, track.genres, track.genres.length === 0);
    case 'TAG':
      return matchText(operator, value, track.tags, track.tags.length === 0);
    case 'LIKED':
      if (operator !== 'EQUALS' || typeof value !== 'boolean')
        throw invalid(field, operator, value);
      return track.liked === value;
    case 'IN_PLAYLIST': {
      if (operator !== 'EQUALS') throw invalid(field, operator, value);
      const ref = playlistRef(value);
      if (ref === null) throw invalid(field, operator, value);
      return 'playlistId' in ref
        ? track.playlists.includes(ref.playlistId)
        : track.smartPlaylists.includes(ref.smartPlaylistId);
    }
  }
}

function invalid(field: string, operator: string, value: RuleValue): Error {
  return new Error(`oracle: invalid value ${JSON.stringify(value)} for ${field} ${operator}`);
}

function playlistRef(value: RuleValue): PlaylistRef | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  if ('playlistId' in value && typeof value.playlistId === 'number') return value;
  if ('smartPlaylistId' in value && typeof value.smartPlaylistId === 'number') return value;
  return null;
}

// ---------------------------------------------------------------- numbers

function numberOf(value: RuleValue | undefined, operator: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`oracle: ${operator} needs a number, got ${JSON.stringify(value)}`);
  }
  return value;
}

function pairOf(value: RuleValue, operator: string): [RuleValue, RuleValue] {
  if (!Array.isArray(value) || value.length !== 2) {
    throw new Error(`oracle: ${operator} needs [min, max], got ${JSON.stringify(value)}`);
  }
  return [value[0]!, value[1]!];
}

/** The comparisons numbers and days share (ISO days compare as strings). */
const COMPARE: Partial<Record<RuleOperator, <T extends number | string>(a: T, v: T) => boolean>> = {
  EQUALS: (a, v) => a === v,
  GREATER_THAN: (a, v) => a > v,
  LESS_THAN: (a, v) => a < v,
  GREATER_EQUAL: (a, v) => a >= v,
  LESS_EQUAL: (a, v) => a <= v,
};

function matchNumber(
  operator: RuleOperator,
  value: RuleValue,
  actual: number | null,
  empty: boolean,
): boolean {
  if (operator === 'IS_EMPTY') return empty;
  if (actual === null) return false;
  const compare = COMPARE[operator];
  if (compare !== undefined) return compare(actual, numberOf(value, operator));
  if (operator === 'BETWEEN') {
    const [min, max] = pairOf(value, operator);
    return numberOf(min, operator) <= actual && actual <= numberOf(max, operator);
  }
  if (operator === 'IN') {
    if (!Array.isArray(value) || value.length === 0) throw invalid('number', operator, value);
    return value.some((v) => numberOf(v, operator) === actual);
  }
  throw new Error(`oracle: ${operator} is not a positive number operator`);
}

// ---------------------------------------------------------------- text

function textOf(value: RuleValue | undefined, operator: string): string {
  if (typeof value !== 'string') {
    throw new Error(`oracle: ${operator} needs text, got ${JSON.stringify(value)}`);
  }
  return sortKey(value);
}

/** Positive text operators: true when some value of the field matches. */
function matchText(
  operator: RuleOperator,
  value: RuleValue,
  actual: readonly string[],
  empty: boolean,
): boolean {
  if (operator === 'IS_EMPTY') return empty;
  const keys = actual.map(sortKey);
  if (operator === 'IN') {
    if (!Array.isArray(value) || value.length === 0) throw invalid('text', operator, value);
    const vs = value.map((v) => textOf(v, operator));
    return keys.some((k) => vs.includes(k));
  }
  const test = TEXT_TESTS[operator];
  if (test === undefined) throw new Error(`oracle: ${operator} is not a positive text operator`);
  const v = textOf(value, operator);
  return keys.some((k) => test(k, v));
}

const TEXT_TESTS: Partial<Record<RuleOperator, (key: string, value: string) => boolean>> = {
  EQUALS: (k, v) => k === v,
  CONTAINS: (k, v) => k.includes(v),
  STARTS_WITH: (k, v) => k.startsWith(v),
  ENDS_WITH: (k, v) => k.endsWith(v),
};

// ---------------------------------------------------------------- dates

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function dayOf(value: RuleValue | undefined, operator: string): string {
  if (typeof value !== 'string' || !ISO_DAY.test(value)) {
    throw new Error(`oracle: ${operator} needs a YYYY-MM-DD day, got ${JSON.stringify(value)}`);
  }
  return value;
}

function periodOf(value: RuleValue): Period {
  if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    'amount' in value &&
    'unit' in value &&
    Number.isInteger(value.amount) &&
    ['days', 'weeks', 'months'].includes(value.unit)
  ) {
    return value;
  }
  throw new Error(`oracle: IN_THE_LAST needs {amount, unit}, got ${JSON.stringify(value)}`);
}

function matchDate(
  operator: RuleOperator,
  value: RuleValue,
  actual: Date | null,
  ctx: OracleContext,
): boolean {
  if (operator === 'IS_EMPTY') return actual === null;
  if (actual === null) return false;
  if (operator === 'IN_THE_LAST') {
    return actual.getTime() >= periodStart(ctx.now, periodOf(value), ctx.zone).getTime();
  }
  const day = localDay(actual, ctx.zone);
  const compare = COMPARE[operator];
  if (compare !== undefined) return compare(day, dayOf(value, operator));
  if (operator === 'BETWEEN') {
    const [from, to] = pairOf(value, operator);
    return dayOf(from, operator) <= day && day <= dayOf(to, operator);
  }
  throw new Error(`oracle: ${operator} is not a positive date operator`);
}

export interface WallTime {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The local wall time of an instant in a zone. */
export function wallTime(instant: Date, zone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const part = (name: string): number => {
    const v = parts[name];
    if (v === undefined || Number.isNaN(v)) throw new Error(`oracle: no ${name} in ${zone}`);
    return v;
  };
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour') % 24,
    minute: part('minute'),
    second: part('second'),
    millisecond: ((instant.getTime() % 1000) + 1000) % 1000,
  };
}

/** The local calendar day (YYYY-MM-DD) of an instant in a zone. */
export function localDay(instant: Date, zone: string): string {
  const w = wallTime(instant, zone);
  return `${String(w.year).padStart(4, '0')}-${pad2(w.month)}-${pad2(w.day)}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** A wall time read as if it were UTC, in epoch milliseconds. */
function wallAsUtc(w: WallTime): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, w.millisecond);
  return d.getTime();
}

function wallFromUtc(ms: number): WallTime {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

/** The zone's offset from UTC at an instant, in milliseconds. */
function offsetAt(instantMs: number, zone: string): number {
  return wallAsUtc(wallTime(new Date(instantMs), zone)) - instantMs;
}

/** The instant a local wall time names in a zone (see the file comment for DST). */
export function instantOf(w: WallTime, zone: string): Date {
  const asUtc = wallAsUtc(w);
  let guess = asUtc - offsetAt(asUtc, zone);
  for (let i = 0; i < 3; i++) {
    const next = asUtc - offsetAt(guess, zone);
    if (next === guess) break;
    guess = next;
  }
  return new Date(guess);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `now` minus a period, on the zone's wall clock (months clamp the day, as PostgreSQL does). */
export function periodStart(now: Date, period: Period, zone: string): Date {
  const w = wallTime(now, zone);
  switch (period.unit) {
    case 'days':
      return instantOf(wallFromUtc(wallAsUtc(w) - period.amount * 86_400_000), zone);
    case 'weeks':
      return instantOf(wallFromUtc(wallAsUtc(w) - period.amount * 7 * 86_400_000), zone);
    case 'months': {
      const index = w.year * 12 + (w.month - 1) - period.amount;
      const year = Math.floor(index / 12);
      const month = index - year * 12 + 1;
      const day = Math.min(w.day, daysInMonth(year, month));
      return instantOf({ ...w, year, month, day }, zone);
    }
  }
}

// ---------------------------------------------------------------- limits

type Key = number | string | null;

function sortSpec(
  limit: SmartLimit,
  seedOrder: ((t: TrackFacts) => string) | undefined,
): { key: (t: TrackFacts) => Key; desc: boolean } {
  switch (limit.selectBy) {
    case 'most_played':
      return { key: (t) => t.playCount, desc: true };
    case 'least_played':
      return { key: (t) => t.playCount, desc: false };
    case 'highest_rated':
      return { key: (t) => t.rating, desc: true };
    case 'lowest_rated':
      return { key: (t) => t.rating, desc: false };
    case 'most_recently_played':
      return { key: (t) => t.lastPlayedAt?.getTime() ?? null, desc: true };
    case 'least_recently_played':
      return { key: (t) => t.lastPlayedAt?.getTime() ?? null, desc: false };
    case 'most_recently_added':
      return { key: (t) => t.addedAt.getTime(), desc: true };
    case 'least_recently_added':
      return { key: (t) => t.addedAt.getTime(), desc: false };
    case 'name':
      return { key: (t) => sortKey(t.trackName), desc: false };
    case 'random': {
      if (seedOrder === undefined) throw new Error('oracle: random selection needs a seedOrder');
      return { key: seedOrder, desc: false };
    }
  }
}

function compareKeys(a: Key, b: Key): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The matched tracks a limit keeps: ordered by `selectBy` (ties by id in the
 * key's direction, missing values last), then the first `count` tracks, or
 * the longest prefix lasting at most `count` minutes (no duration counts 0).
 */
export function selectLimited(
  tracks: TrackFacts[],
  limit: SmartLimit,
  seedOrder?: (t: TrackFacts) => string,
): TrackFacts[] {
  const { key, desc } = sortSpec(limit, seedOrder);
  const sign = desc ? -1 : 1;
  const ordered = tracks
    .map((track) => ({ track, key: key(track) }))
    .sort((a, b) => {
      if (a.key === null || b.key === null) {
        const nulls = compareKeys(a.key, b.key);
        if (nulls !== 0) return nulls;
      } else {
        const byKey = compareKeys(a.key, b.key);
        if (byKey !== 0) return sign * byKey;
      }
      return sign * (a.track.id - b.track.id);
    })
    .map((entry) => entry.track);
  if (limit.unit === 'tracks') return ordered.slice(0, limit.count);
  const budget = limit.count * 60_000;
  const kept: TrackFacts[] = [];
  let total = 0;
  for (const track of ordered) {
    total += track.durationMs ?? 0;
    if (total > budget) break;
    kept.push(track);
  }
  return kept;
}
