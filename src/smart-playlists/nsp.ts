/**
 * Converts a Navidrome smart playlist file (.nsp) to a Spotlib
 * SmartDefinition. Pure: no I/O, no database. Whatever cannot be carried over
 * is reported as a problem with its path in the file, so the user can see
 * exactly how the imported playlist differs from the original.
 */
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import {
  FIELDS,
  MAX_DEPTH,
  OPERATORS_OF,
  type Condition,
  type Match,
  type RuleField,
  type RuleNode,
  type RuleOperator,
  type RuleValue,
  type Scalar,
  type SelectBy,
  type SmartDefinition,
  type SmartLimit,
} from './rules.js';

export interface NspProblem {
  /** where in the file: `all[3].gt.bpm`, `sort`, `(root)` or `(file)` */
  path: string;
  message: string;
}

export interface NspConversion {
  /** null when the file cannot be imported at all (invalid JSON, not an object, both all and any at the top level, no rules) */
  definition: SmartDefinition | null;
  /** every part that was not mapped or is invalid; never silently dropped */
  problems: NspProblem[];
}

type Json = null | boolean | number | string | Json[] | JsonObject;
interface JsonObject {
  [key: string]: Json;
}

/** The largest `limit` kept; larger ones are reported rather than capped. */
const MAX_LIMIT = 100_000;

export function fromNsp(text: string, fallbackName: string): NspConversion {
  const problems: NspProblem[] = [];
  const document = parseJsonWithComments(text, problems);
  if (document === undefined) return { definition: null, problems };
  if (!isObject(document)) {
    problems.push({ path: '(file)', message: 'the file is not a JSON object' });
    return { definition: null, problems };
  }
  return { definition: convertDocument(document, fallbackName, problems), problems };
}

// ---------------------------------------------------------------------------
// JSON with comments

/** The document, or undefined (and a problem) when it is not valid JSON with comments. */
function parseJsonWithComments(text: string, problems: NspProblem[]): Json | undefined {
  const errors: ParseError[] = [];
  // jsonc-parser is tolerant and returns a best-effort value even after an
  // error; a file with any syntax error is refused rather than half-imported.
  const value = parse(text, errors, { allowTrailingComma: true }) as Json | undefined;
  const [first] = errors;
  if (first !== undefined) {
    const { line, column } = lineAndColumn(text, first.offset);
    const message = `invalid JSON at line ${line}, column ${column}: ${printParseErrorCode(first.error)}`;
    problems.push({ path: '(file)', message });
    return undefined;
  }
  // Without errors there is a value; `null` stands in for the impossible case.
  return value ?? null;
}

/** 1-based line and column of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------
// The document

const TOP_LEVEL_KEYS = [
  'name',
  'comment',
  'public',
  'all',
  'any',
  'sort',
  'order',
  'limit',
  'limitpercent',
  'offset',
] as const;
type TopLevelKey = (typeof TOP_LEVEL_KEYS)[number];

/** A value and where it is: a top-level key as the file spells it, or a path such as `all[0].any`. */
interface Entry {
  key: string;
  value: Json;
}
type Entries = Partial<Record<TopLevelKey, Entry>>;

function convertDocument(
  document: JsonObject,
  fallbackName: string,
  problems: NspProblem[],
): SmartDefinition | null {
  const entries = topLevelEntries(document, problems);
  const name = convertName(entries.name, fallbackName, problems);
  const description = convertComment(entries.comment, problems);
  checkPublic(entries.public, problems);
  const rules = convertTopLevelRules(entries, problems);
  const limit = convertLimit(entries, problems);
  if (rules === null) return null;
  return {
    name,
    ...(description !== undefined && { description }),
    match: rules.match,
    rules: rules.rules,
    ...(limit !== null && { limit }),
  };
}

/** Navidrome reads the top-level keys with Go's case-insensitive JSON decoding. */
function topLevelEntries(document: JsonObject, problems: NspProblem[]): Entries {
  const entries: Entries = {};
  for (const [key, value] of Object.entries(document)) {
    const known = TOP_LEVEL_KEYS.find((candidate) => candidate === key.toLowerCase());
    if (known === undefined) {
      problems.push({ path: key, message: `unknown key "${key}" was ignored` });
    } else {
      entries[known] = { key, value };
    }
  }
  return entries;
}

function convertName(entry: Entry | undefined, fallbackName: string, problems: NspProblem[]) {
  if (entry === undefined) return fallbackName;
  if (typeof entry.value === 'string' && entry.value.trim() !== '') return entry.value;
  problems.push({
    path: entry.key,
    message: `name must be a non-empty text, not ${describeValue(entry.value)}; "${fallbackName}" is used`,
  });
  return fallbackName;
}

function convertComment(entry: Entry | undefined, problems: NspProblem[]): string | undefined {
  if (entry === undefined || entry.value === null || entry.value === '') return undefined;
  if (typeof entry.value === 'string') return entry.value;
  problems.push({
    path: entry.key,
    message: `comment must be a text, not ${describeValue(entry.value)}; it was left out`,
  });
  return undefined;
}

/** Spotlib playlists are always private: only a public one loses something. */
function checkPublic(entry: Entry | undefined, problems: NspProblem[]): void {
  if (entry === undefined || entry.value === false) return;
  const message =
    entry.value === true
      ? 'public playlists are not supported; imported as private'
      : `public must be true or false, not ${describeValue(entry.value)}; imported as private`;
  problems.push({ path: entry.key, message });
}

// ---------------------------------------------------------------------------
// Rules

function convertTopLevelRules(
  entries: Entries,
  problems: NspProblem[],
): { match: Match; rules: RuleNode[] } | null {
  const { all, any } = entries;
  if (all !== undefined && any !== undefined) {
    problems.push({
      path: '(root)',
      message: 'both all and any at the top level (invalid in Navidrome)',
    });
    // Still analyse both lists so that one import attempt reports everything.
    convertRuleList(all, 1, problems);
    convertRuleList(any, 1, problems);
    return null;
  }
  const entry = all ?? any;
  if (entry === undefined) {
    problems.push({ path: '(root)', message: 'no rules: the file has neither all nor any' });
    return null;
  }
  const rules = convertRuleList(entry, 1, problems);
  if (rules.length === 0) {
    problems.push({ path: '(root)', message: 'no rule could be imported' });
    return null;
  }
  return { match: entry === all ? 'all' : 'any', rules };
}

/** The rules of an `all` / `any` list, whose items sit at `depth`. */
function convertRuleList(entry: Entry, depth: number, problems: NspProblem[]): RuleNode[] {
  if (!Array.isArray(entry.value)) {
    problems.push({
      path: entry.key,
      message: `${entry.key} must be a list of rules, not ${describeValue(entry.value)}`,
    });
    return [];
  }
  if (entry.value.length === 0) {
    problems.push({ path: entry.key, message: `${entry.key} has no rules` });
    return [];
  }
  return entry.value.flatMap((item, index) => {
    const node = convertNode(item, `${entry.key}[${index}]`, depth, problems);
    return node === null ? [] : [node];
  });
}

function convertNode(
  item: Json,
  path: string,
  depth: number,
  problems: NspProblem[],
): RuleNode | null {
  if (!isObject(item)) {
    problems.push({ path, message: `a rule must be an object, not ${describeValue(item)}` });
    return null;
  }
  const entries = Object.entries(item);
  const [only] = entries;
  if (only === undefined || entries.length > 1) {
    // Navidrome would read several keys as sibling rules; one key per rule
    // is the documented form, so anything else is reported, not guessed.
    problems.push({
      path,
      message: `a rule must have exactly one operator or group, found ${entries.length}`,
    });
    return null;
  }
  if (depth > MAX_DEPTH) {
    problems.push({
      path,
      message: `rules nest at most ${MAX_DEPTH} levels deep; this one was left out`,
    });
    return null;
  }
  const [key, value] = only;
  const entryPath = `${path}.${key}`;
  const lowerKey = key.toLowerCase();
  if (lowerKey === 'all' || lowerKey === 'any') {
    return convertGroup(lowerKey, { key: entryPath, value }, depth, problems);
  }
  return convertCondition(key, value, entryPath, problems);
}

function convertGroup(
  match: Match,
  entry: Entry,
  depth: number,
  problems: NspProblem[],
): RuleNode | null {
  const rules = convertRuleList(entry, depth + 1, problems);
  if (rules.length === 0) {
    problems.push({
      path: entry.key,
      message: 'the group was left out: none of its rules could be imported',
    });
    return null;
  }
  return { match, rules };
}

// ---------------------------------------------------------------------------
// Conditions

/** How an operator's value is written in Navidrome. */
type ValueShape = 'single' | 'range' | 'days' | 'presence';

interface OperatorMapping {
  operator: RuleOperator;
  shape: ValueShape;
}

/** Navidrome operators, lower-cased as Navidrome itself compares them. */
const OPERATORS: Record<string, OperatorMapping> = {
  is: { operator: 'EQUALS', shape: 'single' },
  isnot: { operator: 'NOT_EQUALS', shape: 'single' },
  gt: { operator: 'GREATER_THAN', shape: 'single' },
  lt: { operator: 'LESS_THAN', shape: 'single' },
  // Navidrome compares a stored timestamp with the date's text: that day itself is after it.
  after: { operator: 'GREATER_EQUAL', shape: 'single' },
  before: { operator: 'LESS_THAN', shape: 'single' },
  contains: { operator: 'CONTAINS', shape: 'single' },
  notcontains: { operator: 'NOT_CONTAINS', shape: 'single' },
  startswith: { operator: 'STARTS_WITH', shape: 'single' },
  endswith: { operator: 'ENDS_WITH', shape: 'single' },
  intherange: { operator: 'BETWEEN', shape: 'range' },
  inthelast: { operator: 'IN_THE_LAST', shape: 'days' },
  notinthelast: { operator: 'NOT_IN_THE_LAST', shape: 'days' },
  ismissing: { operator: 'IS_EMPTY', shape: 'presence' },
  ispresent: { operator: 'IS_NOT_EMPTY', shape: 'presence' },
};

/** Navidrome's playlist operators name Navidrome playlist ids, which mean nothing here. */
const PLAYLIST_OPERATORS = new Set(['inplaylist', 'notinplaylist']);

interface FieldMapping {
  field: RuleField;
  /** Spotlib value = Navidrome value × scale (durations: seconds to milliseconds) */
  scale?: number;
}

/** Navidrome fields, lower-cased as Navidrome itself compares them. */
const NSP_FIELDS: Record<string, FieldMapping> = {
  title: { field: 'TRACK_NAME' },
  album: { field: 'ALBUM_NAME' },
  artist: { field: 'ARTIST_NAME' },
  albumartist: { field: 'ARTIST_NAME' },
  genre: { field: 'GENRE' },
  rating: { field: 'RATING' },
  playcount: { field: 'PLAY_COUNT' },
  lastplayed: { field: 'LAST_PLAYED' },
  dateadded: { field: 'ADDED_AT' },
  duration: { field: 'DURATION', scale: 1000 },
  loved: { field: 'LIKED' },
};

/** A converted value, or why it cannot be converted. */
type Converted<T> = { ok: true; value: T } | { ok: false; reason: string };
const ok = <T>(value: T): Converted<T> => ({ ok: true, value });
const fail = <T>(reason: string): Converted<T> => ({ ok: false, reason });

/** `operatorKey` as written in the file; `path` ends with it (`all[2].gt`). */
function convertCondition(
  operatorKey: string,
  operand: Json,
  path: string,
  problems: NspProblem[],
): Condition | null {
  const lowerOperator = operatorKey.toLowerCase();
  if (PLAYLIST_OPERATORS.has(lowerOperator)) {
    problems.push({
      path,
      message: `"${operatorKey}" was left out: Navidrome playlist ids cannot refer to Spotlib playlists`,
    });
    return null;
  }
  const mapping = OPERATORS[lowerOperator];
  if (mapping === undefined) {
    problems.push({ path, message: `unknown operator "${operatorKey}"` });
    return null;
  }
  const fieldEntry = singleField(operand);
  if (!fieldEntry.ok) {
    problems.push({ path, message: fieldEntry.reason });
    return null;
  }
  const { key: fieldKey, value } = fieldEntry.value;
  const fieldPath = `${path}.${fieldKey}`;
  const condition = convertFieldCondition(operatorKey, mapping, fieldKey, value);
  if (!condition.ok) {
    problems.push({ path: fieldPath, message: condition.reason });
    return null;
  }
  return condition.value;
}

/** The `{ "<field>": value }` part of a rule. */
function singleField(operand: Json): Converted<Entry> {
  if (!isObject(operand)) {
    return fail(`an operator takes an object { "field": value }, not ${describeValue(operand)}`);
  }
  const entries = Object.entries(operand);
  const [first] = entries;
  if (first === undefined || entries.length > 1) {
    return fail(`an operator takes exactly one field, found ${entries.length}`);
  }
  return ok({ key: first[0], value: first[1] });
}

function convertFieldCondition(
  operatorKey: string,
  mapping: OperatorMapping,
  fieldKey: string,
  value: Json,
): Converted<Condition> {
  const fieldMapping = NSP_FIELDS[fieldKey.toLowerCase()];
  if (fieldMapping === undefined) return fail(`field "${fieldKey}" has no Spotlib equivalent`);
  const { field } = fieldMapping;
  const spec = FIELDS[field];
  if (!OPERATORS_OF[spec.type].includes(mapping.operator)) {
    return fail(`"${operatorKey}" cannot be used with field "${fieldKey}"`);
  }
  if (mapping.shape === 'presence' && spec.empty === null) {
    return fail(`"${operatorKey}" cannot be used with field "${fieldKey}": it is never empty`);
  }
  const converted = convertOperand(mapping.shape, fieldMapping, value);
  if (!converted.ok) return converted;
  return ok({ field, operator: mapping.operator, value: converted.value });
}

function convertOperand(
  shape: ValueShape,
  mapping: FieldMapping,
  value: Json,
): Converted<RuleValue> {
  switch (shape) {
    case 'single':
      return convertScalar(mapping, value);
    case 'range':
      return convertRange(mapping, value);
    case 'days':
      return convertDays(value);
    case 'presence':
      return value === true
        ? ok<RuleValue>(null)
        : fail<RuleValue>(`expects true, not ${describeValue(value)}`);
  }
}

function convertRange(mapping: FieldMapping, value: Json): Converted<RuleValue> {
  if (!Array.isArray(value) || value.length !== 2) {
    return fail(`expects a range [min, max], not ${describeValue(value)}`);
  }
  const [min, max] = value.map((bound) => convertScalar(mapping, bound));
  if (min === undefined || max === undefined) return fail('unreachable: a range has two bounds');
  if (!min.ok) return fail(`range minimum: ${min.reason}`);
  if (!max.ok) return fail(`range maximum: ${max.reason}`);
  if (isGreater(min.value, max.value)) {
    return fail('the range minimum is greater than its maximum');
  }
  return ok([min.value, max.value]);
}

/** Numbers compare as numbers, YYYY-MM-DD dates as text (which orders them by day). */
function isGreater(a: Scalar, b: Scalar): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a > b;
  if (typeof a === 'string' && typeof b === 'string') return a > b;
  return false;
}

function convertDays(value: Json): Converted<RuleValue> {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    return fail(`expects a whole number of days of at least 1, not ${describeValue(value)}`);
  }
  return ok({ amount: value, unit: 'days' });
}

function convertScalar(mapping: FieldMapping, value: Json): Converted<Scalar> {
  const spec = FIELDS[mapping.field];
  switch (spec.type) {
    case 'number':
      return convertNumber(mapping, value);
    case 'date':
      return convertDate(value);
    case 'text':
      return typeof value === 'string' && value !== ''
        ? ok(value)
        : fail(`expects a non-empty text, not ${describeValue(value)}`);
    case 'boolean':
      return typeof value === 'boolean'
        ? ok(value)
        : fail(`expects true or false, not ${describeValue(value)}`);
    case 'playlist':
      return fail('playlist fields cannot be imported');
  }
}

/** Converts to Spotlib's unit, then checks the field's range and step there. */
function convertNumber(mapping: FieldMapping, value: Json): Converted<Scalar> {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return fail(`expects a number, not ${describeValue(value)}`);
  }
  // Rounded because seconds × 1000 in floating point can miss the whole millisecond.
  const converted = mapping.scale === undefined ? value : Math.round(value * mapping.scale);
  const { min, max, step } = FIELDS[mapping.field];
  if (min !== undefined && converted < min) return fail(`${value} is below the minimum`);
  if (max !== undefined && converted > max) return fail(`${value} is above the maximum`);
  if (step !== undefined && !Number.isInteger(converted / step)) {
    return fail(`${value} is not a multiple of ${step}`);
  }
  return ok(converted);
}

/** Dates are kept as YYYY-MM-DD; a datetime keeps its date part (Navidrome compares days). */
function convertDate(value: Json): Converted<Scalar> {
  const match = typeof value === 'string' ? DATE_PREFIX.exec(value) : null;
  const day = match?.[1];
  if (day === undefined || !isRealDay(day)) {
    return fail(`expects a date YYYY-MM-DD, not ${describeValue(value)}`);
  }
  return ok(day);
}

const DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$/;

/** Rejects days such as 2021-02-30 that the pattern lets through. */
function isRealDay(day: string): boolean {
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day;
}

// ---------------------------------------------------------------------------
// Sort and limit

interface SortKey {
  /** lower-cased, without its direction prefix */
  field: string;
  /** as written, for messages */
  written: string;
  descending: boolean;
}

/** Spotlib's selection for a Navidrome sort field: [ascending, descending]. */
const SELECT_BY_SORT: Record<string, readonly [SelectBy, SelectBy]> = {
  playcount: ['least_played', 'most_played'],
  rating: ['lowest_rated', 'highest_rated'],
  lastplayed: ['least_recently_played', 'most_recently_played'],
  dateadded: ['least_recently_added', 'most_recently_added'],
  random: ['random', 'random'],
};

function convertLimit(entries: Entries, problems: NspProblem[]): SmartLimit | null {
  reportUnsupportedIfSet(entries.limitpercent, problems);
  reportUnsupportedIfSet(entries.offset, problems);
  const count = convertCount(entries.limit, problems);
  const sortKeys = parseSort(entries.sort, problems);
  const descendingOrder = parseOrder(entries.order, problems);
  if (count === null) {
    // Without a limit a Spotlib smart playlist has no order of its own.
    const ordering = entries.sort ?? entries.order;
    if (ordering !== undefined) {
      const what = entries.sort === undefined ? 'order' : 'sort';
      problems.push({ path: ordering.key, message: `${what} without limit is not kept` });
    }
    return null;
  }
  const selectBy = selectByOf(sortKeys, descendingOrder, entries, problems);
  return { count, unit: 'tracks', selectBy };
}

/** 0 means "not used" in Navidrome, so only other values lose something. */
function reportUnsupportedIfSet(entry: Entry | undefined, problems: NspProblem[]): void {
  if (entry === undefined || entry.value === 0 || entry.value === null) return;
  problems.push({ path: entry.key, message: `${entry.key} is not supported; it was left out` });
}

function convertCount(entry: Entry | undefined, problems: NspProblem[]): number | null {
  // Navidrome treats a limit of 0 as no limit.
  if (entry === undefined || entry.value === 0 || entry.value === null) return null;
  const { value } = entry;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= MAX_LIMIT) {
    return value;
  }
  problems.push({
    path: entry.key,
    message: `limit must be a whole number from 1 to ${MAX_LIMIT}, not ${describeValue(value)}; it was left out`,
  });
  return null;
}

/** Navidrome's sort: a comma list of fields, each optionally prefixed with "+" or "-". */
function parseSort(entry: Entry | undefined, problems: NspProblem[]): SortKey[] {
  if (entry === undefined) return [];
  if (typeof entry.value !== 'string') {
    problems.push({
      path: entry.key,
      message: `sort must be a text, not ${describeValue(entry.value)}; it was ignored`,
    });
    return [];
  }
  return entry.value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((written) => {
      const hasPrefix = written.startsWith('-') || written.startsWith('+');
      return {
        field: (hasPrefix ? written.slice(1) : written).trim().toLowerCase(),
        written,
        descending: written.startsWith('-'),
      };
    });
}

/** Whether `order` is "desc", which reverses the sort's direction as in Navidrome. */
function parseOrder(entry: Entry | undefined, problems: NspProblem[]): boolean {
  if (entry === undefined) return false;
  const order = typeof entry.value === 'string' ? entry.value.trim().toLowerCase() : null;
  if (order === 'asc' || order === 'desc') return order === 'desc';
  problems.push({
    path: entry.key,
    message: `order must be "asc" or "desc", not ${describeValue(entry.value)}; it was ignored`,
  });
  return false;
}

function selectByOf(
  sortKeys: SortKey[],
  descendingOrder: boolean,
  entries: Entries,
  problems: NspProblem[],
): SelectBy {
  const sortPath = entries.sort?.key ?? 'sort';
  const [first, ...rest] = sortKeys;
  if (rest.length > 0) {
    const names = rest.map((key) => `"${key.written}"`).join(', ');
    const verb = rest.length === 1 ? 'was' : 'were';
    problems.push({
      path: sortPath,
      message: `only the first sort key selects the tracks; ${names} ${verb} left out`,
    });
  }
  // Navidrome sorts by title when no sort is given.
  const key = first ?? { field: 'title', written: 'title', descending: false };
  const descending = key.descending !== descendingOrder;
  if (key.field === 'title') {
    if (descending) {
      problems.push({
        path: first === undefined ? (entries.order?.key ?? 'order') : sortPath,
        message: 'descending title order cannot be expressed; tracks are selected by name',
      });
    }
    return 'name';
  }
  const selection = SELECT_BY_SORT[key.field];
  if (selection === undefined) {
    problems.push({
      path: sortPath,
      message: `sort key "${key.written}" has no Spotlib equivalent; tracks are selected by name`,
    });
    return 'name';
  }
  return selection[descending ? 1 : 0];
}
