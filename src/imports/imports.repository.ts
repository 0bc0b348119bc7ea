import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';

@Injectable()
export class ImportsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async create(userId: number, sourceName: string, totalBytes: number): Promise<number> {
    const row = await this.db
      .insertInto('import')
      .values({ user_id: userId, source_name: sourceName, total_bytes: totalBytes })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async start(userId: number, id: number): Promise<void> {
    await this.db
      .updateTable('import')
      .set({ status: 'running', started_at: new Date() })
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .execute();
  }

  async progress(
    userId: number,
    id: number,
    progress: { bytesRead: number; bytesTotal: number; rowsRead: number },
  ): Promise<void> {
    await this.db
      .updateTable('import')
      .set({
        total_bytes: progress.bytesTotal,
        processed_bytes: Math.min(progress.bytesRead, progress.bytesTotal),
        rows_read: progress.rowsRead,
      })
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .execute();
  }

  async finish(
    userId: number,
    id: number,
    outcome: { status: 'completed' | 'failed'; summary?: object; error?: string },
  ): Promise<void> {
    const summary = outcome.summary as
      | { rowsRead: number; playsInserted: number; duplicatesSkipped: number; nonMusic: number }
      | undefined;
    await this.db
      .updateTable('import')
      .set({
        status: outcome.status,
        finished_at: new Date(),
        error: outcome.error ?? null,
        summary: summary ? JSON.stringify(summary) : null,
        ...(outcome.status === 'completed' ? { processed_bytes: sql<number>`total_bytes` } : {}),
        ...(summary
          ? {
              rows_read: summary.rowsRead,
              rows_inserted: summary.playsInserted,
              rows_duplicate: summary.duplicatesSkipped,
              rows_skipped: summary.nonMusic,
            }
          : {}),
      })
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .execute();
  }

  find(userId: number, id: number) {
    return this.db
      .selectFrom('import')
      .selectAll()
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
  }
}
