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
@Injectable()
export class TableStatisticsService {
  constructor(private readonly maintenance: MaintenanceRepository) {}

  async analyzeAfterBulkLoad(tables: readonly (keyof DB)[]): Promise<void> {
    await this.maintenance.analyze([...new Set(tables)]);
  }
}
