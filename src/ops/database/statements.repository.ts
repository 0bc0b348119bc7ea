import { Injectable } from '@nestjs/common';
import { Kysely, sql, type RawBuilder } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { SlowStatement } from './db-report.types.js';

export type StatementOrder = 'mean' | 'total';

const ORDER_COLUMN: Record<StatementOrder, string> = {
  mean: 'mean_exec_time',
  total: 'total_exec_time',
};

/** SQLSTATE 55000: the extension's view is installed but its library was not preloaded. */
const NOT_IN_PREREQUISITE_STATE = '55000';

export class StatementsNotLoadedError extends Error {}

/** pg_stat_statements: the statements this database spent its time on. */
@Injectable()
export class StatementsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The schema the extension is installed in here, or null when it is not. */
  async extensionSchema(): Promise<string | null> {
    const { rows } = await sql<{ schema: string }>`
      SELECT n.nspname AS schema FROM pg_extension e
      JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname = 'pg_stat_statements'`.execute(this.db);
    return rows[0]?.schema ?? null;
  }

  /** Only where the library is preloaded (PGlite's extensions option does it). */
  async install(): Promise<void> {
    await sql`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`.execute(this.db);
  }

  /** @throws StatementsNotLoadedError when shared_preload_libraries lacks the library */
  async slowest(schema: string, order: StatementOrder, limit: number): Promise<SlowStatement[]> {
    const { rows } = await this.readView(
      sql<SlowStatement>`
        SELECT query, calls, total_exec_time AS "totalMs", mean_exec_time AS "meanMs", rows,
          CASE WHEN shared_blks_hit + shared_blks_read > 0
            THEN (100.0 * shared_blks_hit / (shared_blks_hit + shared_blks_read))::float8
          END AS "cacheHitPercent"
        FROM ${sql.table(`${schema}.pg_stat_statements`)}
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY ${sql.ref(ORDER_COLUMN[order])} DESC
        LIMIT ${limit}`,
    );
    return rows;
  }

  async statsReset(schema: string): Promise<Date | null> {
    const { rows } = await this.readView(
      sql<{ reset: Date | null }>`
        SELECT stats_reset AS reset FROM ${sql.table(`${schema}.pg_stat_statements_info`)}`,
    );
    return rows[0]?.reset ?? null;
  }

  private async readView<T>(query: RawBuilder<T>) {
    try {
      return await query.execute(this.db);
    } catch (error) {
      if ((error as { code?: unknown }).code === NOT_IN_PREREQUISITE_STATE) {
        throw new StatementsNotLoadedError('pg_stat_statements is not preloaded', { cause: error });
      }
      throw error;
    }
  }
}
