import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { Database } from '../../db/database.js';
import {
  monthIndex,
  monthOfPartition,
  PlayHistoryPartitions,
  type HistoryTable,
  type Month,
} from '../../db/partitions.js';
import {
  BLOAT_METHOD,
  estimateIndexBloat,
  estimateTableBloat,
  type BloatEstimate,
} from './bloat-estimate.js';
import { BloatRepository } from './bloat.repository.js';
import type {
  BloatReport,
  DbReport,
  HistoryPartitionsReport,
  IndexUsage,
  PartitionGroup,
  RelationBloat,
  StatementsReport,
} from './db-report.types.js';
import { StatementsNotLoadedError, StatementsRepository } from './statements.repository.js';
import {
  StorageRepository,
  type HistoryPartitionRow,
  type IndexUsageRow,
} from './storage.repository.js';

/** Relations smaller than this are left out of the bloat lists: whatever their ratio, they waste little. */
export const BLOAT_REPORT_MIN_BYTES = 64 * 1024;

const HOW_TO_ENABLE_STATEMENTS = [
  "postgresql.conf: shared_preload_libraries = 'pg_stat_statements' (then restart PostgreSQL)",
  'in the Spotlib database, as a superuser: CREATE EXTENSION pg_stat_statements;',
];

@Injectable()
export class DbReportService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly database: Database,
    private readonly storage: StorageRepository,
    private readonly statements: StatementsRepository,
    private readonly bloat: BloatRepository,
    private readonly partitions: PlayHistoryPartitions,
  ) {}

  /** `limit`: rows of each top list (statements, bloat). */
  async report(limit: number, now = new Date()): Promise<DbReport> {
    const overview = await this.storage.overview();
    const usage = await this.storage.indexUsage();
    return {
      generatedAt: now.toISOString(),
      engine: this.database.engine,
      serverVersion: overview.serverVersion,
      databaseBytes: overview.databaseBytes,
      statsReset: overview.statsReset?.toISOString() ?? null,
      statements: await this.slowStatements(limit),
      indexes: {
        usage: usage.map(toIndexUsage),
        unused: usage
          .filter((i) => i.ownSchema && i.scans === 0 && !i.primary && !i.unique && !i.constraint)
          .sort((a, b) => b.bytes - a.bytes)
          .map(toIndexUsage),
      },
      tables: await this.storage.tableSizes(),
      bloat: await this.bloatReport(limit),
      history: await this.historyPartitions(now),
    };
  }

  private async slowStatements(limit: number): Promise<StatementsReport> {
    let schema = await this.statements.extensionSchema();
    // The embedded engine always preloads the library (database.ts) and has no
    // administrator to ask: creating the view is all it takes.
    if (!schema && this.database.engine === 'pglite') {
      await this.statements.install();
      schema = await this.statements.extensionSchema();
    }
    if (!schema) {
      return { available: false, reason: 'not_installed', howToEnable: HOW_TO_ENABLE_STATEMENTS };
    }
    try {
      return {
        available: true,
        statsReset: (await this.statements.statsReset(schema))?.toISOString() ?? null,
        byMeanTime: await this.statements.slowest(schema, 'mean', limit),
        byTotalTime: await this.statements.slowest(schema, 'total', limit),
      };
    } catch (error) {
      if (!(error instanceof StatementsNotLoadedError)) throw error;
      return {
        available: false,
        reason: 'not_loaded',
        howToEnable: HOW_TO_ENABLE_STATEMENTS.slice(0, 1),
      };
    }
  }

  private async bloatReport(limit: number): Promise<BloatReport> {
    const tables = (await this.bloat.tableInputs()).map((t) => ({
      schema: t.schema,
      table: t.table,
      name: t.table,
      bytes: t.bytes,
      estimate: estimateTableBloat(t),
    }));
    const indexes = (await this.bloat.indexInputs()).map((i) => ({
      schema: i.schema,
      table: i.table,
      name: i.index,
      bytes: i.bytes,
      estimate: estimateIndexBloat(i),
    }));
    const sized = (list: typeof tables) => list.filter((r) => r.bytes >= BLOAT_REPORT_MIN_BYTES);
    return {
      method: BLOAT_METHOD,
      minBytes: BLOAT_REPORT_MIN_BYTES,
      tables: mostWasteful(sized(tables), limit),
      indexes: mostWasteful(sized(indexes), limit),
      notEstimated: [...sized(tables), ...sized(indexes)].flatMap((r) =>
        r.estimate.known ? [] : [{ schema: r.schema, name: r.name, reason: r.estimate.reason }],
      ),
    };
  }

  private async historyPartitions(now: Date): Promise<HistoryPartitionsReport> {
    const rows = await this.storage.historyPartitions();
    const windowStart = this.partitions.hotWindowStart(now);
    const hot = partitionGroup('play_history', rows);
    return {
      hotMonths: this.config.historyHotMonths,
      hotWindowStart: formatMonth(windowStart),
      hot,
      archive: partitionGroup('play_history_archive', rows),
      dueForArchival: hot.partitions
        .filter((p) => monthIndex(monthOfPartition(p.name)) < monthIndex(windowStart))
        .map((p) => p.name),
      interruptedMoves: await this.storage.interruptedArchiveMoves(),
    };
  }
}

const toIndexUsage = (row: IndexUsageRow): IndexUsage => ({
  schema: row.schema,
  table: row.table,
  index: row.index,
  scans: row.scans,
  bytes: row.bytes,
  partitions: row.partitions,
  primary: row.primary,
  unique: row.unique,
});

interface EstimatedRelation extends Omit<RelationBloat, 'bloatPercent' | 'wastedBytes'> {
  estimate: BloatEstimate;
}

function mostWasteful(relations: EstimatedRelation[], limit: number): RelationBloat[] {
  return relations
    .flatMap(({ estimate, ...relation }) =>
      estimate.known && estimate.wastedBytes > 0
        ? [{ ...relation, bloatPercent: estimate.bloatPercent, wastedBytes: estimate.wastedBytes }]
        : [],
    )
    .sort((a, b) => b.wastedBytes - a.wastedBytes)
    .slice(0, limit);
}

function partitionGroup(table: HistoryTable, rows: HistoryPartitionRow[]): PartitionGroup {
  const partitions = rows
    .filter((row) => row.parent === table)
    .map((row) => ({
      name: row.name,
      month: formatMonth(monthOfPartition(row.name)),
      rows: row.rows,
      bytes: row.bytes,
    }));
  return {
    table,
    count: partitions.length,
    first: partitions[0]?.month ?? null,
    last: partitions.at(-1)?.month ?? null,
    rows: partitions.reduce((sum, p) => sum + p.rows, 0),
    bytes: partitions.reduce((sum, p) => sum + p.bytes, 0),
    partitions,
  };
}

const formatMonth = (m: Month) => `${m.year}-${String(m.month).padStart(2, '0')}`;
