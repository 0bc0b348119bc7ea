import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { IndexBloatInput, TableBloatInput } from './bloat-estimate.js';
import { inUserSchema } from './user-schemas.js';

/**
 * The catalog figures bloat is estimated from (see bloat-estimate.ts): one row
 * per relation with storage — partitions one by one, never their parents.
 */
@Injectable()
export class BloatRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async indexInputs(): Promise<IndexBloatInput[]> {
    const { rows } = await sql<IndexBloatInput>`
      WITH index_column AS (
        SELECT x.indexrelid, x.indrelid, k.attnum, k.position::int2 AS position
        FROM pg_index x
        CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
      ),
      key_width AS (
        SELECT c.indexrelid,
          count(*)::int AS columns,
          count(s.avg_width)::int AS columns_with_stats,
          coalesce(sum((1 - s.null_frac) * s.avg_width), 0)::float8 AS data_width,
          coalesce(bool_or(s.null_frac > 0), false) AS has_nulls
        FROM index_column c
        -- an expression column (attnum 0) keeps its statistics under the index's own name
        JOIN pg_class r ON r.oid = CASE WHEN c.attnum = 0 THEN c.indexrelid ELSE c.indrelid END
        JOIN pg_namespace rn ON rn.oid = r.relnamespace
        JOIN pg_attribute a ON a.attrelid = r.oid
          AND a.attnum = CASE WHEN c.attnum = 0 THEN c.position ELSE c.attnum END
        LEFT JOIN pg_stats s ON s.schemaname = rn.nspname AND s.tablename = r.relname
          AND s.attname = a.attname AND NOT s.inherited
        GROUP BY c.indexrelid
      )
      SELECT n.nspname AS schema, t.relname AS "table", i.relname AS index, am.amname AS method,
        x.indisvalid AS valid, i.reltuples::float8 AS tuples,
        pg_relation_size(i.oid)::float8 AS bytes,
        current_setting('block_size')::int AS "blockSize",
        (SELECT option_value::int FROM pg_options_to_table(i.reloptions)
          WHERE option_name = 'fillfactor') AS fillfactor,
        w.columns, w.columns_with_stats AS "columnsWithStats", w.data_width AS "dataWidth",
        w.has_nulls AS "hasNulls"
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = i.relnamespace
      JOIN pg_am am ON am.oid = i.relam
      JOIN key_width w ON w.indexrelid = x.indexrelid
      WHERE i.relkind = 'i' AND ${inUserSchema('n.nspname')}
      ORDER BY n.nspname, i.relname`.execute(this.db);
    return rows;
  }

  async tableInputs(): Promise<TableBloatInput[]> {
    const { rows } = await sql<TableBloatInput>`
      SELECT n.nspname AS schema, c.relname AS "table", c.reltuples::float8 AS tuples,
        pg_relation_size(c.oid)::float8 AS bytes,
        current_setting('block_size')::int AS "blockSize",
        (SELECT option_value::int FROM pg_options_to_table(c.reloptions)
          WHERE option_name = 'fillfactor') AS fillfactor,
        count(*)::int AS columns,
        count(s.avg_width)::int AS "columnsWithStats",
        coalesce(sum((1 - s.null_frac) * s.avg_width), 0)::float8 AS "dataWidth",
        coalesce(bool_or(s.null_frac > 0), false) AS "hasNulls"
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname
        AND s.attname = a.attname AND NOT s.inherited
      WHERE c.relkind = 'r' AND ${inUserSchema('n.nspname')}
      GROUP BY c.oid, n.nspname
      ORDER BY n.nspname, c.relname`.execute(this.db);
    return rows;
  }
}
