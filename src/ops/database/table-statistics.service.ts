import { Injectable } from '@nestjs/common';
import type { DB } from '../../db/schema.js';
import { MaintenanceRepository } from './maintenance.repository.js';

/**
 * Plays land in either history table by month (an import of 2015 goes to the
 * archive): a history bulk load names both parents.
 */
export const HISTORY_PARENTS = ['play_history', 'play_history_archive'] as const;

/**
 * Fresh planner statistics right after a bulk load (an import, a restore, a
 * generated world), for whoever loaded it. Autovacuum would analyze a plain
 * table or a partition later — the first queries after a big load would be
 * planned on stale counts — and never analyzes a partitioned parent at all:
 * name the parents (ANALYZE of a parent also analyzes its partitions).
 */
/**
 * What adding tracks to a library grows (the catalog, the library and its
 * counters): a first sync or import fills them from empty (see analyzeGrown).
 */
export const LIBRARY_TABLES = [
  'artist',
  'album',
  'track',
  'track_artist',
  'user_track',
  'user_track_stats',
  'user_artist',
  'user_album',
] as const satisfies readonly (keyof DB)[];

/** Below this many rows, a table's statistics are left to autovacuum. */
const GROWN_MIN_ROWS = 1000;

@Injectable()
export class TableStatisticsService {
  constructor(private readonly maintenance: MaintenanceRepository) {}

  async analyzeAfterBulkLoad(tables: readonly (keyof DB)[]): Promise<void> {
    await this.maintenance.analyze([...new Set(tables)]);
  }

  /**
   * ANALYZE of the tables that doubled since their last statistics, for a
   * long load to call between its batches (a first Spotify sync). Planned on
   * the statistics of an empty table, the lookups of a table growing from
   * empty turn into sequential scans: each batch of a first 100k-track sync
   * got slower with the catalog's size until autovacuum analyzed it (a
   * minute apart at best; PGlite has no autovacuum). Doubling keeps the cost
   * to a few ANALYZEs per run, their sum about twice the last one.
   */
  async analyzeGrown(tables: readonly (keyof DB)[]): Promise<(keyof DB)[]> {
    const grown = await this.maintenance.grownSinceAnalyze(tables, GROWN_MIN_ROWS);
    await this.maintenance.analyze(grown);
    return grown;
  }
}
