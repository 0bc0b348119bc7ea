import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type { HistoryTable } from '../../db/partitions.js';
import type { DB } from '../../db/schema.js';
import type { IndexUsage, TableSize } from './db-report.types.js';
import { inUserSchema } from './user-schemas.js';

export interface DatabaseOverview {
  serverVersion: string;
  databaseBytes: number;
  statsReset: Date | null;
}

export interface IndexUsageRow extends IndexUsage {
  /** backs a constraint (an exclusion constraint, a unique or primary key) */
  constraint: boolean;
  /** in the schema Spotlib's own tables live in */
  ownSchema: boolean;
}

export interface HistoryPartitionRow {
  parent: HistoryTable;
  name: string;
  rows: number;
  bytes: number;
}

/** Sizes and usage counters from the catalogs and the cumulative statistics. */
@Injectable()
export class StorageRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async overview(): Promise<DatabaseOverview> {
    const { rows } = await sql<DatabaseOverview>`
      SELECT current_setting('server_version') AS "serverVersion",
        pg_database_size(current_database())::float8 AS "databaseBytes",
        (SELECT stats_reset FROM pg_stat_database WHERE datname = current_database())
          AS "statsReset"`.execute(this.db);
    return rows[0]!;
  }

  /**
   * Scans per index. A partition's index counts toward its partitioned
   * parent's (pg_partition_root): hundreds of monthly partitions read as one index.
   */
  async indexUsage(): Promise<IndexUsageRow[]> {
    const { rows } = await sql<IndexUsageRow>`
      SELECT n.nspname AS schema, t.relname AS "table", i.relname AS index,
        coalesce(sum(s.idx_scan), 0)::float8 AS scans,
        coalesce(sum(pg_relation_size(s.indexrelid)), 0)::float8 AS bytes,
        count(*) FILTER (WHERE s.indexrelid <> i.oid)::int AS partitions,
        x.indisprimary AS "primary", x.indisunique AS "unique",
        EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) AS "constraint",
        n.nspname = current_schema() AS "ownSchema"
      FROM pg_stat_user_indexes s
      JOIN pg_class i ON i.oid = coalesce(pg_partition_root(s.indexrelid), s.indexrelid)
      JOIN pg_index x ON x.indexrelid = i.oid
      JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = i.relnamespace
      GROUP BY n.nspname, t.relname, i.oid, i.relname, x.indisprimary, x.indisunique
      ORDER BY scans DESC, bytes DESC, i.relname`.execute(this.db);
    return rows;
  }

  /** Each table once, a partitioned one with its partitions' sizes added up. */
  async tableSizes(): Promise<TableSize[]> {
    const { rows } = await sql<TableSize>`
      SELECT n.nspname AS schema, c.relname AS "table", c.relkind = 'p' AS partitioned,
        count(*) FILTER (WHERE leaf.relid <> c.oid)::int AS partitions,
        coalesce(sum(greatest(l.reltuples, 0)), 0)::float8 AS rows,
        coalesce(sum(pg_table_size(l.oid)), 0)::float8 AS "tableBytes",
        coalesce(sum(pg_indexes_size(l.oid)), 0)::float8 AS "indexBytes",
        coalesce(sum(pg_total_relation_size(l.oid)), 0)::float8 AS "totalBytes"
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      -- pg_partition_tree lists nothing for a plain table: it is its own only leaf
      LEFT JOIN LATERAL (
        SELECT relid FROM pg_partition_tree(c.oid) WHERE isleaf
        UNION ALL SELECT c.oid WHERE c.relkind = 'r'
      ) leaf ON true
      LEFT JOIN pg_class l ON l.oid = leaf.relid
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${inUserSchema('n.nspname')}
      GROUP BY n.nspname, c.oid, c.relname, c.relkind
      ORDER BY "totalBytes" DESC, c.relname`.execute(this.db);
    return rows;
  }

  async historyPartitions(): Promise<HistoryPartitionRow[]> {
    const { rows } = await sql<HistoryPartitionRow>`
      SELECT p.relname AS parent, c.relname AS name,
        greatest(c.reltuples, 0)::float8 AS rows,
        pg_total_relation_size(c.oid)::float8 AS bytes
      FROM pg_inherits h
      JOIN pg_class c ON c.oid = h.inhrelid
      JOIN pg_class p ON p.oid = h.inhparent
      WHERE p.relname IN ('play_history', 'play_history_archive')
        AND p.relnamespace = current_schema()::regnamespace
      ORDER BY c.relname`.execute(this.db);
    return rows;
  }

  /** Archival moves that a crash left between DETACH and ATTACH. */
  async interruptedArchiveMoves(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('history_archive_move')
      .select('partition_name')
      .where('step', '!=', 'attached')
      .orderBy('partition_name')
      .execute();
    return rows.map((row) => row.partition_name);
  }
}
