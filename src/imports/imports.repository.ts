import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ImportSummary } from './export-import.service.js';

@Injectable()
export class ImportsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async create(
    userId: number,
    upload: { sourceName: string; totalBytes: number; uploadDir: string },
  ): Promise<number> {
    const row = await this.db
      .insertInto('import')
      .values({
        user_id: userId,
        source_name: upload.sourceName,
        total_bytes: upload.totalBytes,
        upload_dir: upload.uploadDir,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async start(userId: number, id: number): Promise<void> {
    await this.updateImport(userId, id)
      .set({ status: 'running', started_at: new Date() })
      .execute();
  }

  /** The summary so far, written after each file: where a stopped import resumes. */
  async checkpoint(userId: number, id: number, summary: ImportSummary): Promise<void> {
    await this.updateImport(userId, id)
      .set({ summary: JSON.stringify(summary) })
      .execute();
  }

  /** Uploaded imports that did not finish (the server stopped), every user's: to resume. */
  unfinished() {
    return this.db
      .selectFrom('import')
      .select(['user_id', 'id', 'upload_dir', 'summary', 'started_at'])
      .where('status', 'in', ['pending', 'running'])
      .where('upload_dir', 'is not', null)
      .execute();
  }

  /** Takes an unfinished import to resume it; false when another server took it first. */
  async claim(userId: number, id: number, seenStartedAt: Date | null): Promise<boolean> {
    const taken = await this.updateImport(userId, id)
      .set({ status: 'running', started_at: new Date() })
      .where('status', 'in', ['pending', 'running'])
      .where((eb) =>
        seenStartedAt ? eb('started_at', '=', seenStartedAt) : eb('started_at', 'is', null),
      )
      .executeTakeFirst();
    return taken.numUpdatedRows > 0n;
  }

  async progress(
    userId: number,
    id: number,
    progress: { bytesRead: number; bytesTotal: number; rowsRead: number },
  ): Promise<void> {
    await this.updateImport(userId, id)
      .set({
        total_bytes: progress.bytesTotal,
        processed_bytes: Math.min(progress.bytesRead, progress.bytesTotal),
        rows_read: progress.rowsRead,
      })
      .execute();
  }

  async finish(
    userId: number,
    id: number,
    outcome: { status: 'completed' | 'failed'; summary?: ImportSummary; error?: string },
  ): Promise<void> {
    const { summary } = outcome;
    await this.updateImport(userId, id)
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
      .execute();
  }

  private updateImport(userId: number, id: number) {
    return this.db.updateTable('import').where('user_id', '=', userId).where('id', '=', id);
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
