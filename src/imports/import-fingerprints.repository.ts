import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ExportFileKind } from './export-reader.js';

/** What reading one history file found, kept to answer a re-import of the same bytes. */
export interface FileCounts {
  kind: ExportFileKind;
  rows: number;
  /** rows that were plays (or skips): on a re-read every one is already recorded */
  playRows: number;
  belowThreshold: number;
  nonMusic: number;
  invalidRows: number;
}

export interface FingerprintedFile extends FileCounts {
  sha256: Buffer;
  sizeBytes: number;
}

/** The history files a user's plays hold whole, by content (migration 0023). */
@Injectable()
export class ImportFingerprintsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The sizes of the user's known files: only a file of one of them can be known. */
  async sizes(userId: number): Promise<Set<number>> {
    const rows = await this.db
      .selectFrom('import_fingerprint')
      .select('size_bytes')
      .distinct()
      .where('user_id', '=', userId)
      .execute();
    return new Set(rows.map((r) => r.size_bytes));
  }

  /** What the file with these bytes held when it was imported under this play threshold. */
  async find(userId: number, sha256: Buffer, playThresholdMs: number): Promise<FileCounts | null> {
    const row = await this.db
      .selectFrom('import_fingerprint')
      .select([
        sql<ExportFileKind>`kind`.as('kind'),
        'rows',
        'play_rows as playRows',
        'below_threshold as belowThreshold',
        'non_music as nonMusic',
        'invalid_rows as invalidRows',
      ])
      .where('user_id', '=', userId)
      .where('sha256', '=', sha256)
      .where('play_threshold_ms', '=', playThresholdMs)
      .executeTakeFirst();
    return row ?? null;
  }

  /** Files whose every row is now committed. */
  async remember(
    userId: number,
    playThresholdMs: number,
    files: readonly FingerprintedFile[],
  ): Promise<void> {
    // the same bytes under two names are one file
    const distinct = [...new Map(files.map((f) => [f.sha256.toString('hex'), f])).values()];
    if (distinct.length === 0) return;
    await this.db
      .insertInto('import_fingerprint')
      .values(
        distinct.map((f) => ({
          user_id: userId,
          sha256: f.sha256,
          size_bytes: f.sizeBytes,
          kind: f.kind,
          play_threshold_ms: playThresholdMs,
          rows: f.rows,
          play_rows: f.playRows,
          below_threshold: f.belowThreshold,
          non_music: f.nonMusic,
          invalid_rows: f.invalidRows,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['user_id', 'sha256']).doUpdateSet((eb) => ({
          play_threshold_ms: eb.ref('excluded.play_threshold_ms'),
          below_threshold: eb.ref('excluded.below_threshold'),
          imported_at: new Date(),
        })),
      )
      .execute();
  }
}
