import { performance } from 'node:perf_hooks';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Database } from '../../db/database.js';
import { PlayHistoryArchiver, PlayHistoryPartitions } from '../../db/partitions.js';
import type { DB } from '../../db/schema.js';
import { JobsService } from '../../jobs/jobs.service.js';
import { ROLLUP_TABLES } from '../../stats/rollups.repository.js';
import { estimateIndexBloat, indexesToReindex, type IndexWithEstimate } from './bloat-estimate.js';
import { BloatRepository } from './bloat.repository.js';
import { MaintenanceRepository } from './maintenance.repository.js';
import type { MaintenanceReport, MaintenanceStep } from './maintenance.types.js';

export const MAINTENANCE_JOB = 'ops.db.maintain';

/**
 * Written on every play, import or smart playlist refresh: where dead rows
 * gather fastest. The archive is not among them: its months no longer change.
 */
export const HOT_TABLES = [
  'play_history',
  'user_track',
  'user_track_stats',
  'user_artist',
  'user_album',
  ...ROLLUP_TABLES,
  'smart_playlist_track',
] as const satisfies readonly (keyof DB)[];

const PGLITE_NO_REINDEX =
  'REINDEX CONCURRENTLY runs on the PostgreSQL server only: PGlite has a single session, ' +
  'which a rebuild would hold for its whole length';

export interface MaintainOptions {
  /** Also create partitions ahead and archive old months (they have their own daily jobs). */
  partitions?: boolean;
  now?: Date;
}

/**
 * The database's upkeep, by hand (`spotlib db maintain`) or weekly: fresh
 * partitions and archival (the history services'), VACUUM (ANALYZE) of the
 * hot tables, ANALYZE of partitioned parents, and REINDEX CONCURRENTLY of the
 * indexes whose estimated bloat passed the threshold. A failing step is
 * reported and the others still run.
 */
@Injectable()
export class MaintenanceService implements OnModuleInit {
  private readonly logger = new Logger(MaintenanceService.name);

  constructor(
    private readonly database: Database,
    private readonly jobs: JobsService,
    private readonly partitions: PlayHistoryPartitions,
    private readonly archiver: PlayHistoryArchiver,
    private readonly maintenance: MaintenanceRepository,
    private readonly bloat: BloatRepository,
  ) {}

  onModuleInit(): void {
    this.jobs.define({
      name: MAINTENANCE_JOB,
      // Sunday night, after the daily partition jobs (03:17, 03:37), which it leaves to them.
      cron: '23 4 * * 0',
      handler: async () => {
        const report = await this.maintain({ partitions: false });
        this.logger.log(
          `Maintenance: ${report.vacuumed.length} tables vacuumed, ${report.reindexed.length} indexes rebuilt`,
        );
        // a failed job is what the job metrics count and pg-boss retries (every step is safe to repeat)
        if (report.failed.length) {
          throw new Error(
            `Maintenance failed: ${report.failed.map((f) => `${f.step} ${f.target ?? ''}: ${f.error}`).join('; ')}`,
          );
        }
      },
    });
  }

  async maintain({
    partitions = true,
    now = new Date(),
  }: MaintainOptions = {}): Promise<MaintenanceReport> {
    const started = performance.now();
    const report: MaintenanceReport = {
      engine: this.database.engine,
      startedAt: now.toISOString(),
      seconds: 0,
      partitionsCreated: [],
      archived: [],
      vacuumed: [],
      analyzed: [],
      reindexed: [],
      skipped: [],
      failed: [],
    };
    if (partitions) await this.upkeepPartitions(report, now);
    await this.vacuumHotTables(report);
    await this.analyzePartitionedParents(report);
    // after the VACUUM and ANALYZE: the estimate reads the counts they refreshed
    await this.reindexBloatedIndexes(report);
    report.seconds = Number(((performance.now() - started) / 1000).toFixed(2));
    return report;
  }

  private async upkeepPartitions(report: MaintenanceReport, now: Date): Promise<void> {
    await attempt(report, 'partitions', undefined, async () => {
      report.partitionsCreated = (await this.partitions.ensure(now)).created;
    });
    await attempt(report, 'archival', undefined, async () => {
      const { moved, resumed } = await this.archiver.archive(now);
      report.archived = [...new Set([...resumed, ...moved])];
    });
  }

  private async vacuumHotTables(report: MaintenanceReport): Promise<void> {
    for (const table of HOT_TABLES) {
      await attempt(report, 'vacuum', table, async () => {
        await this.maintenance.vacuumAnalyze(table);
        report.vacuumed.push(table);
      });
    }
  }

  private async analyzePartitionedParents(report: MaintenanceReport): Promise<void> {
    // the hot ones were analyzed with their VACUUM
    for (const parent of await this.maintenance.partitionedParents(HOT_TABLES)) {
      await attempt(report, 'analyze', parent.label, async () => {
        await this.maintenance.analyze([parent]);
        report.analyzed.push(parent.label);
      });
    }
  }

  /**
   * Index by index: a partitioned index's partitions are separate indexes
   * here, so only the bloated months are rebuilt.
   */
  private async reindexBloatedIndexes(report: MaintenanceReport): Promise<void> {
    const indexes: IndexWithEstimate[] = (await this.bloat.indexInputs()).map((index) => ({
      ...index,
      estimate: estimateIndexBloat(index),
    }));
    const invalid = indexes.filter((index) => !index.valid).map(qualifiedIndex);
    if (invalid.length) {
      report.skipped.push({
        step: 'reindex',
        reason:
          'invalid indexes, left by a failed concurrent build: drop them (DROP INDEX CONCURRENTLY)',
        targets: invalid,
      });
    }
    const due = indexesToReindex(indexes);
    if (this.database.engine === 'pglite') {
      report.skipped.push({
        step: 'reindex',
        reason: PGLITE_NO_REINDEX,
        ...(due.length ? { targets: due.map(qualifiedIndex) } : {}),
      });
      return;
    }
    for (const index of due) {
      const name = { schema: index.schema, name: index.index };
      await attempt(report, 'reindex', qualifiedIndex(index), async () => {
        await this.maintenance.reindexConcurrently(name);
        report.reindexed.push({
          schema: index.schema,
          table: index.table,
          index: index.index,
          bloatPercent: index.estimate.bloatPercent,
          bytesBefore: index.bytes,
          bytesAfter: await this.maintenance.relationBytes(name),
        });
      });
    }
  }
}

const qualifiedIndex = (index: { schema: string; index: string }) =>
  `${index.schema}.${index.index}`;

async function attempt(
  report: MaintenanceReport,
  step: MaintenanceStep,
  target: string | undefined,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    report.failed.push({
      step,
      ...(target === undefined ? {} : { target }),
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
