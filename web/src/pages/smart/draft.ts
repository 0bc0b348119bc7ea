import {
  PERIOD_MAX,
  type Match,
  type PeriodUnit,
  type PlaylistRef,
  type RuleField,
  type RuleIssue,
  type RuleNode,
  type RuleOperator,
  type Scalar,
  type SelectBy,
  type SmartLimit,
} from '../../api/smart-playlists';
import { FIELD_UI, operatorsOf, shapeOf } from './fields';

/**
 * The editor's copy of a rule tree: each node has an id to key it by, and a
 * value may be unfinished (a text not typed yet, an empty number) while the
 * user edits. `toRules` gives the API's tree.
 */
export type DraftScalar = Scalar | PlaylistRef | undefined;
export type DraftValue =
  DraftScalar | DraftScalar[] | { amount: number | undefined; unit: PeriodUnit } | null;

export interface DraftCondition {
  id: number;
  field: RuleField;
  operator: RuleOperator;
  value: DraftValue;
}

export interface DraftGroup {
  id: number;
  match: Match;
  rules: DraftNode[];
}

export type DraftNode = DraftCondition | DraftGroup;

/** The top of the tree: a group without an id. */
export interface DraftRoot {
  match: Match;
  rules: DraftNode[];
}

export interface DraftLimit {
  count: number | undefined;
  unit: SmartLimit['unit'];
  selectBy: SelectBy;
}

let lastId = 0;
const nextId = () => ++lastId;

export function isDraftGroup(node: DraftNode): node is DraftGroup {
  return 'rules' in node;
}

/** What a rule on `field` with `operator` starts with. */
export function startingValue(field: RuleField, operator: RuleOperator): DraftValue {
  const single = FIELD_UI[field].value();
  switch (shapeOf(operator)) {
    case 'none':
      return null;
    case 'period':
      return { amount: 30, unit: 'days' };
    case 'range':
      return [single, single];
    case 'list':
      return single === undefined ? [] : [single];
    case 'single':
      return single;
  }
}

export function newCondition(field: RuleField = 'RATING'): DraftCondition {
  const operator = FIELD_UI[field].operator;
  return { id: nextId(), field, operator, value: startingValue(field, operator) };
}

export function newGroup(match: Match = 'any'): DraftGroup {
  return { id: nextId(), match, rules: [newCondition()] };
}

/**
 * Another field: the operator stays when the field takes it, the value when
 * it is entered the same way (Title → Artist keeps "contains 'love'");
 * otherwise both start afresh, so the rule is always one the server takes.
 */
export function withField(rule: DraftCondition, field: RuleField): DraftCondition {
  if (field === rule.field) return rule;
  const keepOperator = operatorsOf(field).includes(rule.operator);
  const operator = keepOperator ? rule.operator : FIELD_UI[field].operator;
  const sameInput = FIELD_UI[field].kind === FIELD_UI[rule.field].kind;
  return {
    ...rule,
    field,
    operator,
    value: keepOperator && sameInput ? rule.value : startingValue(field, operator),
  };
}

/** Another operator: the value is reshaped (a single value becomes a range's ends or a list). */
export function withOperator(rule: DraftCondition, operator: RuleOperator): DraftCondition {
  const from = shapeOf(rule.operator);
  const to = shapeOf(operator);
  if (from === to) return { ...rule, operator };
  const seed = firstValue(rule.value) ?? FIELD_UI[rule.field].value();
  const value: DraftValue =
    to === 'single'
      ? seed
      : to === 'range'
        ? [seed, seed]
        : to === 'list'
          ? seed === undefined
            ? []
            : [seed]
          : startingValue(rule.field, operator);
  return { ...rule, operator, value };
}

function firstValue(value: DraftValue): DraftScalar {
  if (Array.isArray(value)) return value[0];
  if (value === null || (typeof value === 'object' && 'unit' in value)) return undefined;
  return value;
}

/** The API's tree: ids dropped. Unfinished values go as they are; the server names them. */
export function toRules(nodes: readonly DraftNode[]): RuleNode[] {
  return nodes.map((node) =>
    isDraftGroup(node)
      ? { match: node.match, rules: toRules(node.rules) }
      : ({ field: node.field, operator: node.operator, value: node.value } as RuleNode),
  );
}

export function fromRules(rules: readonly RuleNode[]): DraftNode[] {
  return rules.map((node) =>
    'rules' in node
      ? { id: nextId(), match: node.match, rules: fromRules(node.rules) }
      : { id: nextId(), field: node.field, operator: node.operator, value: node.value },
  );
}

export function toLimit(limit: DraftLimit | null): SmartLimit | null {
  return limit === null ? null : { ...limit, count: limit.count ?? NaN };
}

const present = (value: DraftScalar) =>
  value !== undefined &&
  !(typeof value === 'string' && value.trim() === '') &&
  !(typeof value === 'number' && Number.isNaN(value));

/** Whether a rule has every value it needs (the server still checks ranges and formats). */
export function isFinished(rule: DraftCondition): boolean {
  const { value } = rule;
  switch (shapeOf(rule.operator)) {
    case 'none':
      return true;
    case 'period': {
      const period = value as { amount: number | undefined; unit: PeriodUnit };
      return (
        period.amount !== undefined &&
        Number.isInteger(period.amount) &&
        period.amount >= 1 &&
        period.amount <= PERIOD_MAX[period.unit]
      );
    }
    case 'range':
      return Array.isArray(value) && value.length === 2 && value.every(present);
    case 'list':
      return Array.isArray(value) && value.length > 0 && value.every(present);
    case 'single':
      return present(value as DraftScalar);
  }
}

/** "Rule 2.1", "Group 3": a node's name from its position, as its controls are labelled. */
export function nodeName(indices: readonly number[], group: boolean): string {
  return `${group ? 'Group' : 'Rule'} ${indices.map((i) => i + 1).join('.')}`;
}

/** A node's path as the API's errors write it: `rules[1].rules[0]`. */
export function nodePath(indices: readonly number[]): string {
  return indices.map((i) => `rules[${i}]`).join('.');
}

/** The first rule still missing a value, or empty group, by name; null when all are done. */
export function firstUnfinished(nodes: readonly DraftNode[], at: number[] = []): string | null {
  for (const [i, node] of nodes.entries()) {
    const indices = [...at, i];
    if (isDraftGroup(node)) {
      if (node.rules.length === 0) return nodeName(indices, true);
      const inner = firstUnfinished(node.rules, indices);
      if (inner) return inner;
    } else if (!isFinished(node)) return nodeName(indices, false);
  }
  return null;
}

/** One problem, placed: the node's path ('' for the whole tree) and the part it names. */
export interface PlacedIssue {
  /** field, operator, value, match, rules; '' for the node as a whole */
  part: string;
  message: string;
}

export type IssuesByNode = ReadonlyMap<string, PlacedIssue[]>;

/**
 * Puts each of the API's issues at the deepest node its path names
 * (`rules[0].rules[1].value` → the node `rules[0].rules[1]`, part `value`).
 * Paths outside the rules (`name`, `limit.count`) are kept under their first
 * segment; `(root)`, `match` and `rules` under ''.
 */
export function placeIssues(
  issues: readonly RuleIssue[],
  nodes: readonly DraftNode[],
): IssuesByNode {
  const paths = new Set<string>();
  const walk = (list: readonly DraftNode[], at: number[]) =>
    list.forEach((node, i) => {
      paths.add(nodePath([...at, i]));
      if (isDraftGroup(node)) walk(node.rules, [...at, i]);
    });
  walk(nodes, []);
  const placed = new Map<string, PlacedIssue[]>();
  const add = (key: string, part: string, message: string) =>
    placed.set(key, [...(placed.get(key) ?? []), { part, message }]);
  for (const { path, message } of issues) {
    const owner = [...paths]
      .filter((p) => path === p || path.startsWith(`${p}.`))
      .sort((a, b) => b.length - a.length)[0];
    if (owner !== undefined) {
      add(owner, path.slice(owner.length + 1).split(/[.[]/)[0] ?? '', message);
    } else if (path === '(root)' || path === 'match' || path.startsWith('rules')) {
      add('', path.startsWith('rules') || path === 'match' ? path.split(/[.[]/)[0]! : '', message);
    } else {
      const [head = '', ...rest] = path.split('.');
      add(head, rest.join('.'), message);
    }
  }
  return placed;
}
