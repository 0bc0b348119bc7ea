import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { entityId } from '../common/entity-id.js';
import { pageQuerySchema } from '../common/pagination/page.js';
import { sortKey } from '../db/sort-key.js';
import { TRACK_SORTS } from '../library/track-list.repository.js';
import {
  FIELDS,
  MAX_DEPTH,
  OPERATORS_OF,
  PERIOD_MAX,
  PERIOD_UNITS,
  RULE_FIELDS,
  RULE_OPERATORS,
  SELECT_BY,
  isGroup,
  type Condition,
  type FieldSpec,
  type RuleNode,
  type SmartDefinition,
} from './rules.js';

const MAX_NODES = 200;
const MAX_LIST = 500;

const noNul = (text: string) => !text.includes('\u0000');
const name = z
  .string({ error: 'name must be text' })
  .refine(noNul, 'name must not contain NUL')
  .trim()
  .min(1, 'name must not be blank')
  .max(200, 'name must be at most 200 characters');
const description = z
  .string()
  .max(2000, 'description must be at most 2000 characters')
  .refine(noNul, 'description must not contain NUL')
  .nullable();
const match = z.enum(['all', 'any'], { error: 'must be all or any' });

const rawNode = z
  .object({
    match: match.optional(),
    get rules() {
      return z.array(node).optional();
    },
    field: z.enum(RULE_FIELDS, { error: `must be one of ${RULE_FIELDS.join(', ')}` }).optional(),
    operator: z
      .enum(RULE_OPERATORS, { error: `must be one of ${RULE_OPERATORS.join(', ')}` })
      .optional(),
    value: z.unknown().optional(),
  })
  .strict();

/** A group `{match, rules}` or a condition `{field, operator, value}`. */
const node: z.ZodType<RuleNode> = rawNode
  .superRefine(checkNode)
  .transform((n) =>
    n.rules !== undefined
      ? { match: n.match!, rules: n.rules }
      : { field: n.field!, operator: n.operator!, value: n.value as Condition['value'] },
  );

type RawNode = z.infer<typeof rawNode>;

function checkNode(n: RawNode, ctx: z.RefinementCtx): void {
  const issue = (message: string, path: PropertyKey[] = []) =>
    ctx.addIssue({ code: 'custom', message, path });
  if (n.rules !== undefined) {
    if (n.match === undefined) issue('a group needs match (all or any)', ['match']);
    if (n.field !== undefined || n.operator !== undefined || n.value !== undefined) {
      issue('a group has match and rules, not field, operator or value');
    }
    if (n.rules.length === 0) issue('a group needs at least one rule', ['rules']);
    return;
  }
  if (n.match !== undefined) issue('a group needs rules', ['rules']);
  if (n.field === undefined) return issue('a condition needs a field', ['field']);
  if (n.operator === undefined) return issue('a condition needs an operator', ['operator']);
  const spec = FIELDS[n.field];
  const empties = n.operator === 'IS_EMPTY' || n.operator === 'IS_NOT_EMPTY';
  if (!OPERATORS_OF[spec.type].includes(n.operator) || (empties && spec.empty === null)) {
    return issue(`${n.operator} does not apply to ${n.field}`, ['operator']);
  }
  const problem = valueProblem(n.field, spec, n.operator, n.value);
  if (problem) issue(problem, ['value']);
}

/** Why a condition's value does not fit its field and operator, if it does not. */
function valueProblem(
  field: string,
  spec: FieldSpec,
  operator: Condition['operator'],
  value: unknown,
): string | undefined {
  if (operator === 'IS_EMPTY' || operator === 'IS_NOT_EMPTY') {
    return value === null ? undefined : 'expected null';
  }
  if (operator === 'IN_THE_LAST' || operator === 'NOT_IN_THE_LAST') return periodProblem(value);
  if (operator === 'IN' || operator === 'NOT_IN') {
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LIST) {
      return `expected a list of 1 to ${MAX_LIST} values`;
    }
    return value.map((v) => scalarProblem(field, spec, v)).find(Boolean);
  }
  if (operator === 'BETWEEN') {
    if (!Array.isArray(value) || value.length !== 2) return 'expected [min, max]';
    const problem = value.map((v) => scalarProblem(field, spec, v)).find(Boolean);
    if (problem) return problem;
    return (value[0] as number | string) > (value[1] as number | string)
      ? 'expected min <= max'
      : undefined;
  }
  return scalarProblem(field, spec, value);
}

function periodProblem(value: unknown): string | undefined {
  const period = z
    .object({ amount: z.number().int().min(1), unit: z.enum(PERIOD_UNITS) })
    .strict()
    .safeParse(value);
  if (!period.success) {
    return 'expected {amount: a whole number from 1, unit: days, weeks or months}';
  }
  const { amount, unit } = period.data;
  return amount > PERIOD_MAX[unit] ? `at most ${PERIOD_MAX[unit]} ${unit}` : undefined;
}

/** Days from 1900: older ones mean nothing for a library, and year 0 is no date to SQL. */
const isoDate = z.iso.date().refine((day) => day >= '1900-01-01');
const playlistRef = z.union([
  z.object({ playlistId: entityId }).strict(),
  z.object({ smartPlaylistId: entityId }).strict(),
]);

function scalarProblem(field: string, spec: FieldSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'expected a number';
      if (spec.min !== undefined && value < spec.min) return `${field} is at least ${spec.min}`;
      if (spec.max !== undefined && value > spec.max) return `${field} is at most ${spec.max}`;
      if (spec.step !== undefined && !Number.isInteger(value / spec.step)) {
        return spec.step === 1 ? 'expected a whole number' : `expected steps of ${spec.step}`;
      }
      return undefined;
    }
    case 'date':
      return isoDate.safeParse(value).success
        ? undefined
        : 'expected a date (YYYY-MM-DD) from 1900 on';
    case 'text':
      // NUL is no text to PostgreSQL; a value of only accents folds to nothing and would match all
      return typeof value === 'string' &&
        sortKey(value) !== '' &&
        !value.includes('\u0000') &&
        value.length <= 200
        ? undefined
        : 'expected text of 1 to 200 characters';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'expected true or false';
    case 'playlist':
      return playlistRef.safeParse(value).success
        ? undefined
        : 'expected {playlistId} or {smartPlaylistId}';
  }
}

export const limitSchema = z
  .object({
    count: z.number().int('count must be a whole number').min(1).max(100000),
    unit: z.enum(['tracks', 'minutes'], { error: 'must be tracks or minutes' }),
    selectBy: z.enum(SELECT_BY, { error: `must be one of ${SELECT_BY.join(', ')}` }),
  })
  .strict();

/** Depth and size of the whole tree: the rule table's CHECK and a bound on the SQL. */
function checkTree(tree: { rules: readonly RuleNode[] }, ctx: z.RefinementCtx): void {
  let nodes = 0;
  const walk = (rules: readonly RuleNode[], depth: number, path: PropertyKey[]) =>
    rules.forEach((rule, i) => {
      nodes += 1;
      const at = [...path, 'rules', i];
      if (depth > MAX_DEPTH) {
        ctx.addIssue({ code: 'custom', message: `rules nest at most ${MAX_DEPTH} deep`, path: at });
      } else if (isGroup(rule)) walk(rule.rules, depth + 1, at);
    });
  walk(tree.rules, 1, []);
  if (nodes > MAX_NODES) {
    ctx.addIssue({ code: 'custom', message: `at most ${MAX_NODES} rules in all`, path: ['rules'] });
  }
}

/** The definition of a smart playlist, as POST and PUT take it. */
export const smartDefinitionSchema = z
  .object({
    name,
    description: description.optional(),
    match: match.default('all'),
    rules: z.array(node).max(100, 'at most 100 rules at the top level'),
    limit: limitSchema.nullable().optional(),
  })
  .strict()
  .superRefine(checkTree) satisfies z.ZodType<SmartDefinition>;

export class SmartDefinitionDto extends createZodDto(smartDefinitionSchema) {}

/** A rule tree for the editor's preview: a definition without its name. */
export const previewSchema = z
  .object({
    match: match.default('all'),
    rules: z.array(node).max(100, 'at most 100 rules at the top level'),
    limit: limitSchema.nullable().optional(),
  })
  .strict()
  .superRefine(checkTree);
export class PreviewDto extends createZodDto(previewSchema) {}

export const previewQuerySchema = pageQuerySchema.strict();
export class PreviewQueryDto extends createZodDto(previewQuerySchema) {}

/** A smart playlist's page: a library sort, by default the order its limit selects in. */
export const smartTracksQuerySchema = pageQuerySchema
  .extend({
    sort: z.enum(TRACK_SORTS, { error: `must be one of ${TRACK_SORTS.join(', ')}` }).optional(),
    order: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).optional(),
  })
  .strict();
export class SmartTracksQueryDto extends createZodDto(smartTracksQuerySchema) {}

/** What GET /api/smart-playlists/:id/export gives and POST /api/smart-playlists/import takes. */
export const exportedSchema = z
  .object({
    spotlib: z.literal('smart-playlist', { error: 'not a Spotlib smart playlist export' }),
    version: z.literal(1, { error: 'only version 1 is known' }),
    definition: smartDefinitionSchema,
  })
  .strict();
export class ExportedSmartPlaylistDto extends createZodDto(exportedSchema) {}

export const nspImportSchema = z
  .object({
    /** the .nsp file's text */
    nsp: z.string().min(1).max(1_000_000),
    /** the name to use when the file has none (its file name) */
    name: name.optional(),
  })
  .strict();
export class NspImportDto extends createZodDto(nspImportSchema) {}
