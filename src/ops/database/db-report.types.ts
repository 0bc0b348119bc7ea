import type { Engine } from '../../config/config.js';
import type { HistoryTable } from '../../db/partitions.js';

/** `GET /api/admin/db` and `spotlib db report --json`: the database's health at a glance. */
export interface DbReport {
  generatedAt: string;
  engine: Engine;
  serverVersion: string;
  databaseBytes: number;
  /** When index scans and the like were last reset; null: never, they count since the database was created. */
  statsReset: string | null;
  statements: StatementsReport;
  indexes: {
    /** Every index, the indexes of a partitioned table's partitions counted as one, most scanned first. */
    usage: IndexUsage[];
    /** Indexes of Spotlib's schema never scanned, except primary keys and constraints' indexes, largest first. */
    unused: IndexUsage[];
  };
  /** Tables with their partitions' sizes added up, largest first. */
  tables: TableSize[];
  bloat: BloatReport;
  history: HistoryPartitionsReport;
}

export type StatementsReport =
  | {
      available: true;
      /** When pg_stat_statements last started counting afresh. */
      statsReset: string | null;
      byMeanTime: SlowStatement[];
      byTotalTime: SlowStatement[];
    }
  | {
      available: false;
      reason: 'not_installed' | 'not_loaded';
      /** What an administrator does to turn it on, one step per line. */
      howToEnable: string[];
    };

export interface SlowStatement {
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
  /** Share of the blocks it read that were already in shared buffers; null if it read none. */
  cacheHitPercent: number | null;
}

export interface IndexUsage {
  schema: string;
  table: string;
  index: string;
  scans: number;
  bytes: number;
  /** How many partitions' indexes were added up into this one (0: a plain table's index). */
  partitions: number;
  primary: boolean;
  unique: boolean;
}

export interface TableSize {
  schema: string;
  table: string;
  partitioned: boolean;
  partitions: number;
  /** The planner's estimate (pg_class.reltuples), not a count. */
  rows: number;
  /** Heap, TOAST and maps. */
  tableBytes: number;
  indexBytes: number;
  totalBytes: number;
}

export interface BloatReport {
  /** How the estimate is made, for whoever reads the numbers. */
  method: string;
  /** Relations this size or larger are listed (smaller ones waste little whatever their ratio). */
  minBytes: number;
  tables: RelationBloat[];
  indexes: RelationBloat[];
  /** Relations of that size whose bloat cannot be estimated (no statistics yet, not a B-tree). */
  notEstimated: { schema: string; name: string; reason: string }[];
}

export interface RelationBloat {
  schema: string;
  table: string;
  /** The table itself for table bloat; the index for index bloat. */
  name: string;
  bytes: number;
  bloatPercent: number;
  wastedBytes: number;
}

export interface HistoryPartitionsReport {
  hotMonths: number;
  /** The first month (YYYY-MM) the hot table keeps; older months belong in the archive. */
  hotWindowStart: string;
  hot: PartitionGroup;
  archive: PartitionGroup;
  /** Hot partitions older than the window: the next archival run moves them. */
  dueForArchival: string[];
  /** Moves a crash interrupted: the next archival run finishes them. */
  interruptedMoves: string[];
}

export interface PartitionGroup {
  table: HistoryTable;
  count: number;
  /** YYYY-MM of the oldest and newest partition. */
  first: string | null;
  last: string | null;
  rows: number;
  bytes: number;
  partitions: PartitionSize[];
}

export interface PartitionSize {
  name: string;
  month: string;
  rows: number;
  bytes: number;
}
