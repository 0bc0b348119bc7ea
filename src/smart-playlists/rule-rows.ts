import type { SmartRuleValueType } from '../db/schema.js';
import {
  FIELDS,
  isGroup,
  type Condition,
  type Group,
  type Period,
  type RuleNode,
  type Scalar,
} from './rules.js';

/**
 * A rule node as a row of smart_playlist_rule: the tree becomes rows with a
 * parent, a position and a depth; a condition's operands become text in
 * canonical form, typed by value_type. Pure, so the mapping is tested both
 * ways without a database.
 */
export interface RuleRow {
  id: number;
  parent_id: number | null;
  position: number;
  kind: 'group' | 'condition';
  match: 'all' | 'any' | null;
  field: Condition['field'] | null;
  operator: Condition['operator'] | null;
  value_type: SmartRuleValueType | null;
  value: string[];
}

export type RuleRowValues = Omit<RuleRow, 'id' | 'parent_id' | 'position'>;

const VALUE_TYPES = {
  number: 'NUMBER',
  date: 'DATE',
  text: 'STRING',
  boolean: 'BOOLEAN',
  playlist: 'PLAYLIST',
} as const;

export function toRowValues(node: RuleNode): RuleRowValues {
  if (isGroup(node)) {
    return {
      kind: 'group',
      match: node.match,
      field: null,
      operator: null,
      value_type: null,
      value: [],
    };
  }
  const relative = node.operator === 'IN_THE_LAST' || node.operator === 'NOT_IN_THE_LAST';
  return {
    kind: 'condition',
    match: null,
    field: node.field,
    operator: node.operator,
    value_type: relative ? 'PERIOD' : VALUE_TYPES[FIELDS[node.field].type],
    value: operands(node.value),
  };
}

function operands(value: Condition['value']): string[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'object') return [String(value)];
  if ('amount' in value) return [String(value.amount), value.unit];
  return 'playlistId' in value
    ? ['playlist', String(value.playlistId)]
    : ['smart', String(value.smartPlaylistId)];
}

/** The tree back from its rows (any order): children by position under their parent. */
export function toTree(rows: readonly RuleRow[]): RuleNode[] {
  const children = new Map<number | null, RuleRow[]>();
  for (const row of rows) {
    children.set(row.parent_id, [...(children.get(row.parent_id) ?? []), row]);
  }
  const build = (parent: number | null): RuleNode[] =>
    (children.get(parent) ?? [])
      .sort((a, b) => a.position - b.position)
      .map((row) =>
        row.kind === 'group'
          ? ({ match: row.match!, rules: build(row.id) } satisfies Group)
          : toCondition(row),
      );
  return build(null);
}

function toCondition(row: RuleRow): Condition {
  const operator = row.operator!;
  const scalar = (text: string): Scalar =>
    row.value_type === 'NUMBER'
      ? Number(text)
      : row.value_type === 'BOOLEAN'
        ? text === 'true'
        : text;
  let value: Condition['value'];
  if (operator === 'IS_EMPTY' || operator === 'IS_NOT_EMPTY') value = null;
  else if (row.value_type === 'PERIOD') {
    value = { amount: Number(row.value[0]), unit: row.value[1] } as Period;
  } else if (row.value_type === 'PLAYLIST') {
    const id = Number(row.value[1]);
    value = row.value[0] === 'smart' ? { smartPlaylistId: id } : { playlistId: id };
  } else if (operator === 'IN' || operator === 'NOT_IN' || operator === 'BETWEEN') {
    value = row.value.map(scalar);
  } else value = scalar(row.value[0]!);
  return { field: row.field!, operator, value };
}
