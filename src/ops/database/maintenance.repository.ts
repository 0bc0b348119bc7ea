import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { textArray } from '../../db/array-literal.js';
import type { DB } from '../../db/schema.js';
import { inUserSchema } from './user-schemas.js';

export interface QualifiedName {
  schema: string;
  name: string;
}

/** `label`: the bare name in Spotlib's schema, else qualified. */
export interface LabelledName extends QualifiedName {
  label: string;
}

/** A relation of another schema, or one of Spotlib's own by its bare name. */
export type RelationRef = QualifiedName | keyof DB;

const identifier = (relation: RelationRef) =>
  typeof relation === 'string' ? sql.id(relation) : sql.id(relation.schema, relation.name);

/**
 * VACUUM and REINDEX CONCURRENTLY refuse to run inside a transaction block:
 * every statement here runs on its own through the Kysely instance (a pool
 * connection on PostgreSQL, the single session on PGlite), never on a
 * Transaction. ANALYZE follows the same path for simplicity.
 */
@Injectable()
export class MaintenanceRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** On a partitioned table: its partitions are vacuumed and analyzed, and the parent analyzed too. */
  async vacuumAnalyze(table: RelationRef): Promise<void> {
    await sql`VACUUM (ANALYZE) ${identifier(table)}`.execute(this.db);
  }

  /** On a partitioned table: samples all partitions for the parent's statistics, and analyzes each. */
  async analyze(tables: readonly RelationRef[]): Promise<void> {
    if (!tables.length) return;
    await sql`ANALYZE ${sql.join(tables.map(identifier))}`.execute(this.db);
  }

  /**
   * Which of Spotlib's tables hold at least twice the rows (and at least
   * `minRows`) their statistics were gathered on. Row counts reach the
   * statistics system when a session goes idle, at most a second late.
   */
  async grownSinceAnalyze(tables: readonly (keyof DB)[], minRows: number): Promise<(keyof DB)[]> {
    const { rows } = await sql<{ name: keyof DB }>`
      SELECT s.relname AS name FROM pg_stat_user_tables s
      JOIN pg_class c ON c.oid = s.relid
      WHERE s.schemaname = current_schema() AND s.relname = ANY(${textArray(tables)}::text[])
        AND s.n_live_tup >= greatest(${minRows}, 2 * c.reltuples)
      ORDER BY s.relname`.execute(this.db);
    return rows.map((r) => r.name);
  }

  /** Builds a fresh copy beside the index and swaps them: reads and writes go on meanwhile. */
  async reindexConcurrently(index: QualifiedName): Promise<void> {
    await sql`REINDEX INDEX CONCURRENTLY ${sql.id(index.schema, index.name)}`.execute(this.db);
  }

  async relationBytes(relation: QualifiedName): Promise<number> {
    const { rows } = await sql<{ bytes: number }>`
      SELECT pg_relation_size(c.oid)::float8 AS bytes FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ${relation.schema} AND c.relname = ${relation.name}`.execute(this.db);
    return rows[0]?.bytes ?? 0;
  }

  /**
   * Top-level partitioned tables but the given ones of Spotlib's schema:
   * autovacuum analyzes partitions but never their parents, whose statistics
   * plan every query over the whole table.
   */
  async partitionedParents(except: readonly (keyof DB)[]): Promise<LabelledName[]> {
    const { rows } = await sql<LabelledName>`
      SELECT n.nspname AS schema, c.relname AS name,
        CASE WHEN n.nspname = current_schema() THEN c.relname
          ELSE n.nspname || '.' || c.relname END AS label
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'p' AND NOT c.relispartition AND ${inUserSchema('n.nspname')}
        AND NOT (n.nspname = current_schema() AND c.relname = ANY(${textArray(except)}::text[]))
      ORDER BY n.nspname, c.relname`.execute(this.db);
    return rows;
  }
}
