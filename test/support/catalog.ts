import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';

/**
 * The schema as the database's own catalog describes it: tables, columns,
 * constraints, indexes, enums and partitions of the current schema. Used to
 * compare engines (pg_dump cannot read PGlite) and runs of the migrations.
 */
export async function describeSchema(db: Kysely<DB>) {
  const columns = await sql<Record<string, unknown>>`
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default,
           a.attidentity AS identity, coll.collname AS collation
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    LEFT JOIN pg_collation coll ON coll.oid = a.attcollation AND coll.collname <> 'default'
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
      AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY 1, 2`.execute(db);
  // NOT NULL has its own pg_constraint rows since PostgreSQL 18; columns carry it above.
  const constraints = await sql<Record<string, unknown>>`
    SELECT c.relname AS table, k.conname AS name, k.contype AS type,
           pg_get_constraintdef(k.oid) AS definition
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid
    WHERE c.relnamespace = current_schema()::regnamespace AND k.contype IN ('c', 'f', 'p', 'u', 'x')
    ORDER BY 1, 2`.execute(db);
  const indexes = await sql<Record<string, unknown>>`
    SELECT tablename AS table, indexname AS name, indexdef AS definition
    FROM pg_indexes WHERE schemaname = current_schema()
    ORDER BY 1, 2`.execute(db);
  const enums = await sql<Record<string, unknown>>`
    SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text AS labels
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
    WHERE t.typnamespace = current_schema()::regnamespace
    GROUP BY t.typname ORDER BY 1`.execute(db);
  const partitions = await sql<Record<string, unknown>>`
    SELECT p.relname AS parent, c.relname AS partition, pg_get_expr(c.relpartbound, c.oid) AS bound
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
    ORDER BY 1, 2`.execute(db);
  return {
    columns: columns.rows,
    constraints: constraints.rows,
    indexes: indexes.rows,
    enums: enums.rows,
    partitions: partitions.rows,
  };
}
