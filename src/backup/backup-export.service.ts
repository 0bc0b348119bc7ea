import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { Kysely } from 'kysely';
import { Database } from '../db/database.js';
import { LATEST_MIGRATION } from '../db/migrations/index.js';
import type { DB } from '../db/schema.js';
import { writeArchiveFile } from './archive-file.js';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  type HeaderToWrite,
  type RecordCounts,
  type RecordToWrite,
} from './archive-format.js';
import { BackupExportRepository } from './backup-export.repository.js';
import { ExportedKeys, userRecords } from './export-records.js';

export interface ExportResult {
  file: string;
  bytes: number;
  counts: RecordCounts;
  seconds: number;
}

/** Records per line chunk handed to gzip: fewer, larger writes. */
const LINES_PER_CHUNK = 500;

/**
 * `spotlib export`: everything a user owns into a portable archive (see
 * archive-format.ts), streamed from keyset pages through gzip to the file.
 * On PostgreSQL the export reads one snapshot (a repeatable-read, read-only
 * transaction: writers are not blocked), so the archive is the library at
 * one instant. PGlite serves every request on one connection, so a long
 * transaction would stall the server: there the pages are read one by one,
 * and records that name something the export did not write (a track added
 * meanwhile) are left out, so the archive still holds together.
 */
@Injectable()
export class BackupExportService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly database: Database,
    private readonly repository: BackupExportRepository,
  ) {}

  async exportTo(
    userId: number,
    file: string,
    onProgress: (done: number, total: number) => void = () => undefined,
  ): Promise<ExportResult> {
    const started = performance.now();
    const keys = new ExportedKeys();
    const write = (db: Kysely<DB>) =>
      writeArchiveFile(file, this.lines(db, userId, keys, onProgress));
    const bytes =
      this.database.engine === 'postgres'
        ? await this.db
            .transaction()
            .setIsolationLevel('repeatable read')
            .setAccessMode('read only')
            .execute(write)
        : await write(this.db);
    return {
      file,
      bytes,
      counts: keys.counts,
      seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    };
  }

  private async *lines(
    db: Kysely<DB>,
    userId: number,
    keys: ExportedKeys,
    onProgress: (done: number, total: number) => void,
  ): AsyncGenerator<string> {
    const profile = await this.repository.profile(db, userId);
    const sizes = await this.repository.sizes(db, userId);
    const total = sizes.tracks + sizes.plays;
    const header: HeaderToWrite = {
      type: 'header',
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      exportedAt: new Date(),
      schema: LATEST_MIGRATION,
      user: { username: profile.username, displayName: profile.display_name },
    };
    let chunk = `${JSON.stringify(header)}\n`;
    let inChunk = 0;
    for await (const record of userRecords(this.repository, db, userId, profile, keys)) {
      chunk += `${JSON.stringify(record satisfies RecordToWrite)}\n`;
      if (++inChunk < LINES_PER_CHUNK) continue;
      onProgress(Math.min(keys.counts.track + keys.counts.play, total), total);
      yield chunk;
      chunk = '';
      inChunk = 0;
    }
    chunk += `${JSON.stringify({ type: 'end', counts: keys.counts } satisfies RecordToWrite)}\n`;
    yield chunk;
    onProgress(total, total);
  }
}
