import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import type { TrackMetadata } from '../catalog/track-metadata.js';
import { HistoryRepository } from '../history/history.repository.js';
import { PlayRecorder } from '../history/play-recorder.service.js';
import { LibraryMembershipService } from '../library/library-membership.service.js';
import { LibraryRepository } from '../library/library.repository.js';
import { TrackResolutionService } from '../library/track-resolution.service.js';
import { UsersRepository } from '../users/users.repository.js';
import { ExportFileError, readExportFile, type ExportFileKind } from './export-reader.js';
import type { ExportPlay } from './export-rows.js';
import { collectSources, type ImportSource, type SourceError } from './import-sources.js';

/**
 * Rows per committed batch: big enough that set-based writes pay off, small
 * enough that a batch commits in well under a second and the embedded server
 * keeps answering between batches.
 */
const BATCH_SIZE = 10_000;

export interface ImportSummary {
  files: number;
  rowsRead: number;
  playsInserted: number;
  duplicatesSkipped: number;
  belowThreshold: number;
  nonMusic: number;
  invalidRows: number;
  libraryTracks: number;
  unresolvedTracks: number;
  seconds: number;
  fileKinds: { file: string; kind: ExportFileKind | null; rows: number }[];
  errors: SourceError[];
}

export interface ImportOptions {
  onProgress?: (progress: ImportProgress) => void;
  /** the summary so far of an interrupted import of the same paths: its finished files are skipped */
  resumeFrom?: ImportSummary | null;
  /** called after each file, with the summary so far: a checkpoint to resume from */
  onFileDone?: (summary: ImportSummary) => Promise<void>;
  /** stops the import between two batches (server shutdown); it can resume later */
  signal?: AbortSignal;
}

/** The import was stopped by its signal; what it committed stays, whole. */
export class ImportInterruptedError extends Error {
  constructor() {
    super('The import was interrupted; it resumes where it stopped');
  }
}

export interface ImportProgress {
  file: string;
  bytesRead: number;
  bytesTotal: number;
  rowsRead: number;
}

/**
 * Imports Spotify's data export: every file read as a stream and written in
 * committed batches through the catalog and the recording service, so a
 * play counts once however often the same files come in. A broken file is
 * reported with where it broke; the batches before it stay, whole.
 */
@Injectable()
export class ExportImportService {
  constructor(
    private readonly tracks: TrackResolutionService,
    private readonly recorder: PlayRecorder,
    private readonly membership: LibraryMembershipService,
    private readonly library: LibraryRepository,
    private readonly history: HistoryRepository,
    private readonly users: UsersRepository,
  ) {}

  async importPaths(
    user: AuthUser,
    paths: readonly string[],
    options: ImportOptions = {},
  ): Promise<ImportSummary> {
    const started = performance.now();
    const { sources, errors, ...found } = await collectSources(paths);
    const summary = options.resumeFrom ?? emptySummary();
    const known = new Set(summary.errors.map((e) => `${e.file}\n${e.message}`));
    summary.errors.push(...errors.filter((e) => !known.has(`${e.file}\n${e.message}`)));
    const done = new Set(summary.fileKinds.map((f) => f.file));
    const threshold = await this.users.playThreshold(user.id);
    const bytesTotal = sources.reduce((sum, s) => sum + s.size, 0);
    let bytesBefore = 0;
    try {
      for (const source of sources) {
        if (!done.has(source.name)) {
          await this.importFile(user, source, threshold, summary, options.signal, (bytes) =>
            options.onProgress?.({
              file: source.name,
              bytesRead: bytesBefore + bytes,
              bytesTotal,
              rowsRead: summary.rowsRead,
            }),
          );
          await options.onFileDone?.(summary);
        }
        bytesBefore += source.size;
      }
    } finally {
      found.close();
    }
    if (summary.playsInserted > 0) await this.history.analyze();
    summary.unresolvedTracks = await this.library.countUnresolved(user.id);
    summary.seconds = Number((summary.seconds + (performance.now() - started) / 1000).toFixed(2));
    return summary;
  }

  private async importFile(
    user: AuthUser,
    source: ImportSource,
    threshold: number,
    summary: ImportSummary,
    signal: AbortSignal | undefined,
    onBytes: (bytes: number) => void,
  ): Promise<void> {
    const plays: ExportPlay[] = [];
    const saved: TrackMetadata[] = [];
    // One batch is written while the next is read: the database works as the parser does.
    let writing: Promise<void> = Promise.resolve();
    const flush = async (bytesRead: number) => {
      const batch = { plays: plays.splice(0), saved: saved.splice(0) };
      await writing;
      if (signal?.aborted) throw new ImportInterruptedError();
      writing = (async () => {
        await this.recordPlays(user, batch.plays, summary);
        await this.saveTracks(user, batch.saved, summary);
        onBytes(bytesRead);
      })();
      writing.catch(() => undefined); // awaited at the next flush; not an unhandled rejection meanwhile
    };
    const file = { file: source.name, kind: null as ExportFileKind | null, rows: 0 };
    let bytesRead = 0;
    try {
      for await (const value of readExportFile(source.name, await source.open())) {
        if (!Array.isArray(value)) {
          file.kind = value;
          if (value === null)
            summary.errors.push({ file: source.name, message: 'not a Spotify export file' });
          continue;
        }
        for (const { item } of value) {
          if (item.type === 'play') {
            plays.push(item.play);
            if (item.play.msPlayed < threshold) summary.belowThreshold++;
          } else if (item.type === 'library_track') saved.push(item.track);
          else if (item.type === 'non_music') summary.nonMusic++;
          else summary.invalidRows++;
        }
        file.rows += value.length;
        summary.rowsRead += value.length;
        bytesRead = value.at(-1)!.bytesRead;
        if (plays.length + saved.length >= BATCH_SIZE) await flush(bytesRead);
      }
      await flush(source.size);
      await writing;
    } catch (error) {
      if (error instanceof ImportInterruptedError) throw error;
      // What was read before the break is whole rows: record it, then report where it broke.
      await flush(bytesRead);
      await writing;
      if (!(error instanceof ExportFileError)) throw error;
      summary.errors.push({ file: source.name, message: error.message });
    }
    if (file.kind !== null || file.rows > 0) summary.files++;
    summary.fileKinds.push(file);
  }

  private async recordPlays(user: AuthUser, plays: ExportPlay[], summary: ImportSummary) {
    if (plays.length === 0) return;
    const trackIds = await this.tracks.resolve(plays.map((p) => p.track));
    const result = await this.recorder.record(
      user.id,
      plays.map((play, i) => ({
        trackId: trackIds[i]!,
        playedAt: play.endedAt,
        msPlayed: play.msPlayed,
        source: play.source,
        reasonStart: play.reasonStart,
        reasonEnd: play.reasonEnd,
      })),
    );
    summary.playsInserted += result.inserted;
    summary.duplicatesSkipped += result.duplicates;
  }

  private async saveTracks(user: AuthUser, tracks: TrackMetadata[], summary: ImportSummary) {
    if (tracks.length === 0) return;
    const trackIds = await this.tracks.resolve(tracks);
    const addedAt = new Date();
    await this.membership.like(
      user.id,
      [...new Set(trackIds)].map((trackId) => ({ trackId, addedAt })),
    );
    summary.libraryTracks += tracks.length;
  }
}

function emptySummary(): ImportSummary {
  return {
    files: 0,
    rowsRead: 0,
    playsInserted: 0,
    duplicatesSkipped: 0,
    belowThreshold: 0,
    nonMusic: 0,
    invalidRows: 0,
    libraryTracks: 0,
    unresolvedTracks: 0,
    seconds: 0,
    fileKinds: [],
    errors: [],
  };
}
