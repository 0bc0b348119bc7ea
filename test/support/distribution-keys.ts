import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../src/db/schema.js';

/**
 * What a distributed PostgreSQL (Citus, distribution column user_id) asks of
 * the schema, read from pg_catalog: a table with a user_id column is
 * user-owned and is split across servers by it, so every key that must be
 * enforced in one place, and every reference between two such tables, has
 * to keep one user's rows on one server. See docs/scaling.md.
 */

export const DISTRIBUTION_COLUMN = 'user_id';

export interface TableInfo {
  name: string;
  userOwned: boolean;
  userIdNotNull: boolean;
}

export interface IndexInfo {
  table: string;
  name: string;
  kind: 'primary key' | 'unique' | 'exclusion' | 'index';
  /** key columns in order; an expression reads as its SQL */
  columns: string[];
  /** the partitioned parent's index this one is a partition of */
  parent: string | null;
}

/** pg_constraint's action codes: a no action, r restrict, c cascade, n set null, d set default. */
type ForeignKeyAction = 'a' | 'r' | 'c' | 'n' | 'd';

export interface ForeignKeyInfo {
  table: string;
  name: string;
  columns: string[];
  references: string;
  referencedColumns: string[];
  onDelete: ForeignKeyAction;
  onUpdate: ForeignKeyAction;
}

export interface DistributionSchema {
  tables: TableInfo[];
  indexes: IndexInfo[];
  foreignKeys: ForeignKeyInfo[];
}

export type DistributionRule =
  /** a primary key, unique or exclusion constraint not led by user_id: not enforceable on one shard */
  | 'key'
  /** any other index not led by user_id: legal, but a query that needs it reads every shard */
  | 'index'
  /** a reference between user-owned tables not led by user_id on both sides: crosses shards */
  | 'foreign key'
  /** a table without user_id (a reference table) pointing at user rows: Citus refuses it */
  | 'reference to user rows'
  /** an action that would rewrite user_id (SET NULL, SET DEFAULT, ON UPDATE CASCADE): Citus refuses it */
  | 'distribution column rewrite'
  /** a NULL user_id has no shard */
  | 'nullable user_id';

export interface Violation {
  rule: DistributionRule;
  /** the index or constraint (or the table, for a nullable user_id) */
  name: string;
  detail: string;
}

/** The current schema's tables (partitions included), indexes and foreign keys. */
export async function loadDistributionSchema(db: Kysely<DB>): Promise<DistributionSchema> {
  const tables = await sql<TableInfo>`
    SELECT c.relname AS name, a.attname IS NOT NULL AS "userOwned",
      coalesce(a.attnotnull, false) AS "userIdNotNull"
    FROM pg_class c
    LEFT JOIN pg_attribute a
      ON a.attrelid = c.oid AND a.attname = ${DISTRIBUTION_COLUMN} AND NOT a.attisdropped
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
    ORDER BY 1`.execute(db);
  const indexes = await sql<IndexInfo>`
    SELECT t.relname AS table, i.relname AS name,
      CASE WHEN x.indisprimary THEN 'primary key' WHEN x.indisunique THEN 'unique'
        WHEN x.indisexclusion THEN 'exclusion' ELSE 'index' END AS kind,
      ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true)
        FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k) AS columns,
      pi.relname AS parent
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    LEFT JOIN pg_inherits h ON h.inhrelid = x.indexrelid
    LEFT JOIN pg_class pi ON pi.oid = h.inhparent
    WHERE t.relnamespace = current_schema()::regnamespace AND t.relkind IN ('r', 'p')
    ORDER BY 1, 2`.execute(db);
  const foreignKeys = await sql<ForeignKeyInfo>`
    SELECT t.relname AS table, k.conname AS name, r.relname AS references,
      ${columnNames(sql`k.conkey`, sql`k.conrelid`)} AS columns,
      ${columnNames(sql`k.confkey`, sql`k.confrelid`)} AS "referencedColumns",
      k.confdeltype AS "onDelete", k.confupdtype AS "onUpdate"
    FROM pg_constraint k
    JOIN pg_class t ON t.oid = k.conrelid
    JOIN pg_class r ON r.oid = k.confrelid
    WHERE k.contype = 'f' AND t.relnamespace = current_schema()::regnamespace
    ORDER BY 1, 2`.execute(db);
  return { tables: tables.rows, indexes: indexes.rows, foreignKeys: foreignKeys.rows };
}

/** The names of a constraint's columns (an attnum array of a relation), in key order. */
function columnNames(attnums: RawBuilder<unknown>, relation: RawBuilder<unknown>) {
  return sql`ARRAY(SELECT a.attname::text FROM unnest(${attnums}) WITH ORDINALITY AS u(attnum, n)
    JOIN pg_attribute a ON a.attrelid = ${relation} AND a.attnum = u.attnum ORDER BY u.n)`;
}

/** Every place the schema would keep one user's rows from living on one shard. */
export function findViolations(schema: DistributionSchema): Violation[] {
  const userOwned = new Set(schema.tables.filter((t) => t.userOwned).map((t) => t.name));
  return [
    ...schema.tables.filter((t) => t.userOwned && !t.userIdNotNull).map(nullableUserId),
    ...schema.indexes
      .filter((i) => userOwned.has(i.table) && !leadsWithUserId(i.columns))
      .map(indexViolation),
    ...schema.foreignKeys.flatMap((fk) => foreignKeyViolations(fk, userOwned)),
  ];
}

function leadsWithUserId(columns: readonly string[]): boolean {
  return columns[0] === DISTRIBUTION_COLUMN;
}

function nullableUserId(table: TableInfo): Violation {
  return {
    rule: 'nullable user_id',
    name: table.name,
    detail: `${table.name}.user_id may be NULL`,
  };
}

function indexViolation(index: IndexInfo): Violation {
  return {
    rule: index.kind === 'index' ? 'index' : 'key',
    name: index.name,
    detail: `${index.kind} ${index.name} on ${index.table} (${index.columns.join(', ')}) does not lead with user_id`,
  };
}

function foreignKeyViolations(fk: ForeignKeyInfo, userOwned: ReadonlySet<string>): Violation[] {
  const shape = `${fk.table} (${fk.columns.join(', ')}) → ${fk.references} (${fk.referencedColumns.join(', ')})`;
  const violations: Violation[] = [];
  const from = userOwned.has(fk.table);
  const to = userOwned.has(fk.references);
  if (from && to && !(leadsWithUserId(fk.columns) && leadsWithUserId(fk.referencedColumns))) {
    violations.push({
      rule: 'foreign key',
      name: fk.name,
      detail: `${shape} does not lead with user_id on both sides`,
    });
  }
  if (!from && to) {
    violations.push({
      rule: 'reference to user rows',
      name: fk.name,
      detail: `${shape}: a table without user_id refers to user rows`,
    });
  }
  if (fk.columns.includes(DISTRIBUTION_COLUMN) && rewritesKey(fk)) {
    violations.push({
      rule: 'distribution column rewrite',
      name: fk.name,
      detail: `${shape} would rewrite user_id`,
    });
  }
  return violations;
}

function rewritesKey(fk: ForeignKeyInfo): boolean {
  return ['n', 'd'].includes(fk.onDelete) || ['n', 'd', 'c'].includes(fk.onUpdate);
}

/**
 * The violations not excused by name. A partition's index inherits its
 * parent's excuse, so one entry covers every month of play history.
 */
export function unexcused(
  violations: Violation[],
  schema: DistributionSchema,
  excused: ReadonlyMap<string, string>,
) {
  const parents = new Map(schema.indexes.map((i) => [i.name, i.parent]));
  return violations.filter((v) => !excused.has(v.name) && !excused.has(parents.get(v.name) ?? ''));
}
