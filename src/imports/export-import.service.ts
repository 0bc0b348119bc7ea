import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import type { AppConfig, Engine } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { Database } from '../db/database.js';
import type { TrackMetadata } from '../catalog/track-metadata.js';
import { PlayRecorder } from '../history/play-recorder.service.js';
import { LibraryMembershipService } from '../library/library-membership.service.js';
import { LibraryRepository } from '../library/library.repository.js';
import { TrackResolutionService } from '../library/track-resolution.service.js';
import {
  HISTORY_PARENTS,
  LIBRARY_TABLES,
  TableStatisticsService,
} from '../ops/database/table-statistics.service.js';
import { SmartPlaylistsService } from '../smart-playlists/smart-playlists.service.js';
import { ROLLUP_TABLES, RollupsRepository } from '../stats/rollups.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { ExportFileError, readExportFile, type ExportFileKind } from './export-reader.js';
import { fingerprintOf, hashedWhileRead } from './file-fingerprint.js';
import {
  ImportFingerprintsRepository,
  type FileCounts,
  type FingerprintedFile,
} from './import-fingerprints.repository.js';
import { collectSources, type ImportSource, type SourceError } from './import-sources.js';
import { PlayWindow } from './play-window.js';

/**
 * Plays per committed chunk; chunks span files (real exports split at ~15k
 * rows). PGlite has one connection that the embedded server's requests wait on
 * while a chunk commits, so it takes smaller ones. IMPORT_CHUNK_ROWS overrides.
 */
const CHUNK_ROWS: Record<Engine, number> = { postgres: 25_000, pglite: 10_000 };

/**
 * Chunks per window: the plays read before any of them is written, ordered by
 * artist so each counter moves about once per window (1M rows: 32 chunks in
 * file order updated ~19k track and ~16k artist and album counters each).
 * Held compactly (~30 bytes a play), a window of 250k plays takes ~8 MB.
 */
const WINDOW_CHUNKS = 10;

/**
 * The first window holds one chunk and each next one this many times more,
 * up to WINDOW_CHUNKS: the database starts writing once one chunk is read,
 * not a full window (~2 s of 300k rows' parsing it sat idle through), and
 * each window is read while the one before, a quarter its size but ~3x
 * slower per row to write, is written.
 */
const WINDOW_GROWTH = 4;

/**
 * A big import suspends the statistics rollups and rebuilds them once at the
 * end (see isBulk): one recount is cheaper than keeping them per chunk
 * (measured on 1M rows: 95 s with them kept, 74 s with one rebuild). The
 * rows are estimated from the bytes (an extended history row is ~700 bytes).
 */
const BULK_ROWS = 10_000;
const BYTES_PER_ROW = 500;

/** What recording plays writes to: analyzed once the import is in. */
const LOADED_TABLES = [
  ...HISTORY_PARENTS,
  'user_track',
  'user_track_stats',
  'user_artist',
  'user_album',
  ...ROLLUP_TABLES,
] as const;

/**
 * What an import did. Each row read lands in one count: a play recorded now
 * (playsInserted), a play already known or stated twice (duplicatesSkipped),
 * a row under the play threshold (belowThreshold: a skip, recorded as one if
 * new), a podcast, video or audiobook row (nonMusic), a row that cannot be a
 * play (invalidRows) or a saved track (libraryTracks).
 */
export interface ImportSummary {
  /** export files read (empty ones too) or known by their fingerprint */
  files: number;
  /** files whose bytes were imported whole before: answered from their fingerprint, not read */
  filesAlreadyImported: number;
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
  /**
   * called when the files read so far are committed whole, with the summary
   * so far: a checkpoint to resume from
   */
  onCheckpoint?: (summary: ImportSummary) => Promise<void>;
  /** stops the import between two chunks (server shutdown); it can resume later */
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
 * committed chunks through the catalog and the recording service, so a
 * play counts once however often the same files come in. A broken file is
 * reported with where it broke; the batches before it stay, whole.
 */
@Injectable()
export class ExportImportService {
  private readonly logger = new Logger(ExportImportService.name);

  constructor(
    private readonly tracks: TrackResolutionService,
    private readonly recorder: PlayRecorder,
    private readonly membership: LibraryMembershipService,
    private readonly library: LibraryRepository,
    private readonly statistics: TableStatisticsService,
    private readonly users: UsersRepository,
    private readonly rollups: RollupsRepository,
    private readonly smartPlaylists: SmartPlaylistsService,
    private readonly database: Database,
    private readonly fingerprints: ImportFingerprintsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async importPaths(
    user: AuthUser,
    paths: readonly string[],
    options: ImportOptions = {},
  ): Promise<ImportSummary> {
    const started = performance.now();
    const { sources, errors, ...found } = await collectSources(paths);
    // a checkpoint written before a field existed lacks it
    const summary = { ...emptySummary(), ...options.resumeFrom };
    const known = new Set(summary.errors.map((e) => `${e.file}\n${e.message}`));
    summary.errors.push(...errors.filter((e) => !known.has(`${e.file}\n${e.message}`)));
    const done = new Set(summary.fileKinds.map((f) => f.file));
    const todo = sources.filter((s) => !done.has(s.name));
    const bulk = await this.isBulk(user, todo);
    if (bulk) await this.rollups.suspend(user.id);
    try {
      await this.importSources(user, sources, done, summary, options);
    } finally {
      found.close();
    }
    if (summary.playsInserted > 0) await this.statistics.analyzeAfterBulkLoad(LOADED_TABLES);
    // An import that stops before this leaves them stale: rebuilt in the background.
    if (bulk) await this.rollups.rebuild(user.id);
    // The plays are in: a refresh that fails is logged (and retried hourly), not the import's failure.
    await this.smartPlaylists.refreshAll(user.id).catch((error: unknown) => {
      this.logger.warn(`Smart playlists were not refreshed after the import: ${String(error)}`);
    });
    summary.unresolvedTracks = await this.library.countUnresolved(user.id);
    summary.seconds = Number((summary.seconds + (performance.now() - started) / 1000).toFixed(2));
    return summary;
  }

  /**
   * Whether to suspend the rollups and rebuild them at the end: when they
   * await a rebuild anyway (a resumed bulk import), or when the files may
   * hold twice the plays the user has (a re-import of the same export adds
   * few plays, and keeping the rollups is cheaper than recounting them all).
   */
  private async isBulk(user: AuthUser, sources: readonly ImportSource[]): Promise<boolean> {
    const state = await this.rollups.state(user.id);
    if (state && !state.ready) return true;
    const rows = sources.reduce((sum, s) => sum + s.size, 0) / BYTES_PER_ROW;
    return rows >= BULK_ROWS && rows >= 2 * (await this.rollups.recordedPlays(user.id));
  }

  /**
   * Reads the files in order into windows and writes each window while the
   * next is read. A window is cut at the end of a file once it is big enough
   * (or inside a file far bigger than a window), and a cut at a file's end is
   * a checkpoint: the files before it are committed whole.
   */
  private async importSources(
    user: AuthUser,
    sources: readonly ImportSource[],
    done: ReadonlySet<string>,
    summary: ImportSummary,
    options: ImportOptions,
  ): Promise<void> {
    const threshold = await this.users.playThreshold(user.id);
    const chunkRows = this.config.importChunkRows ?? CHUNK_ROWS[this.database.engine];
    let windowRows = chunkRows;
    const bytesTotal = sources.reduce((sum, s) => sum + s.size, 0);
    const pending = new PlayWindow();
    const knownSizes = await this.fingerprints.sizes(user.id);
    // read whole since the last cut: fingerprinted once their rows are committed
    const readWhole: FingerprintedFile[] = [];
    // plays (not skips) of files known already, counted as duplicates when the cut before them is written
    let knownPlayRows = 0;
    let writing: Promise<void> = Promise.resolve();
    let bytesBefore = sources.filter((s) => done.has(s.name)).reduce((sum, s) => sum + s.size, 0);
    let windowStart = bytesBefore;
    const cut = async (progress: ImportProgress, atFileEnd: boolean) => {
      const window = pending.take();
      windowRows = Math.min(windowRows * WINDOW_GROWTH, chunkRows * WINDOW_CHUNKS);
      const bytesFrom = windowStart;
      windowStart = progress.bytesRead;
      await writing;
      if (options.signal?.aborted) throw new ImportInterruptedError();
      // Taken while reading waits: what the files up to this cut make of the summary.
      const readSoFar = atFileEnd ? structuredClone(summary) : null;
      const files = readWhole.splice(0);
      const knownPlays = knownPlayRows;
      knownPlayRows = 0;
      writing = (async () => {
        await this.writeWindow(
          user,
          window,
          summary,
          threshold,
          chunkRows,
          options.signal,
          (written) =>
            options.onProgress?.({
              ...progress,
              bytesRead: Math.round(bytesFrom + written * (progress.bytesRead - bytesFrom)),
            }),
        );
        summary.duplicatesSkipped += knownPlays;
        await this.fingerprints.remember(user.id, threshold, files);
        if (readSoFar) await options.onCheckpoint?.({ ...readSoFar, ...writtenSoFar(summary) });
      })();
      writing.catch(() => undefined); // awaited at the next cut; not an unhandled rejection meanwhile
    };
    const todo = sources.filter((s) => !done.has(s.name));
    for (const [index, source] of todo.entries()) {
      const progressAt = (bytes: number): ImportProgress => ({
        file: source.name,
        bytesRead: bytesBefore + bytes,
        bytesTotal,
        rowsRead: summary.rowsRead,
      });
      const known = await this.knownFile(user, source, threshold, knownSizes);
      if (known) {
        countKnownFile(summary, source.name, known);
        knownPlayRows += known.playRows - known.belowThreshold;
      } else {
        const file = await this.readFile(source, threshold, summary, pending, async (bytesRead) => {
          if (options.signal?.aborted) {
            // stops reading at once; the write in flight ends (or fails) first
            await writing;
            throw new ImportInterruptedError();
          }
          if (pending.rows >= 2 * windowRows) await cut(progressAt(bytesRead), false);
        });
        if (file) readWhole.push(file);
      }
      bytesBefore += source.size;
      if (pending.rows >= windowRows || index === todo.length - 1) {
        await cut(progressAt(source.size), true);
      }
    }
    await writing;
  }

  /**
   * What a file held when its very bytes were imported whole before, under
   * the same play threshold; null when it must be read. Only a file of a
   * size seen before is hashed first.
   */
  private async knownFile(
    user: AuthUser,
    source: ImportSource,
    threshold: number,
    knownSizes: ReadonlySet<number>,
  ): Promise<FileCounts | null> {
    if (!knownSizes.has(source.size)) return null;
    const sha256 = await fingerprintOf(source).catch(() => null); // unreadable: reading it reports why
    return sha256 && this.fingerprints.find(user.id, sha256, threshold);
  }

  /**
   * Reads one file's rows into the pending window; a broken file keeps what
   * was read before the break. Returns a history file read whole, with its
   * fingerprint, once nothing in it broke.
   */
  private async readFile(
    source: ImportSource,
    threshold: number,
    summary: ImportSummary,
    pending: PlayWindow,
    afterBatch: (bytesRead: number) => Promise<void>,
  ): Promise<FingerprintedFile | null> {
    const file = { file: source.name, kind: null as ExportFileKind | null, rows: 0 };
    const counts = { playRows: 0, belowThreshold: 0, nonMusic: 0, invalidRows: 0 };
    const input = hashedWhileRead(await source.open());
    let whole = true;
    let notExport = false;
    let firstInvalid: { row: number; bytesRead: number; reason: string } | undefined;
    try {
      for await (const value of readExportFile(source.name, input.stream)) {
        if (!Array.isArray(value)) {
          file.kind = value;
          if (value === null) {
            summary.errors.push({ file: source.name, message: 'not a Spotify export file' });
            notExport = true;
          }
          continue;
        }
        for (const [index, { item, bytesRead }] of value.entries()) {
          if (item.type === 'play') {
            pending.add(item.play);
            counts.playRows++;
            if (item.play.msPlayed < threshold) counts.belowThreshold++;
          } else if (item.type === 'library_track') pending.saved.push(item.track);
          else if (item.type === 'non_music') counts.nonMusic++;
          else if (counts.invalidRows++ === 0) {
            firstInvalid = { row: file.rows + index + 1, bytesRead, reason: item.reason };
          }
        }
        file.rows += value.length;
        summary.rowsRead += value.length;
        await afterBatch(value.at(-1)!.bytesRead);
      }
    } catch (error) {
      if (!(error instanceof ExportFileError)) throw error;
      summary.errors.push({ file: source.name, message: error.message });
      whole = false;
    }
    if (firstInvalid) {
      const { row, bytesRead, reason } = firstInvalid;
      summary.errors.push({
        file: source.name,
        message:
          `${counts.invalidRows} row(s) skipped as invalid; the first, row ${row} ` +
          `(near byte ${bytesRead}): ${reason}`,
      });
    }
    summary.belowThreshold += counts.belowThreshold;
    summary.nonMusic += counts.nonMusic;
    summary.invalidRows += counts.invalidRows;
    // an empty export file (no podcasts) is one; a file that broke before its first row is not
    if (file.kind !== null || file.rows > 0 || (whole && !notExport)) summary.files++;
    summary.fileKinds.push(file);
    // A library file is read again: liking its tracks anew is the point of importing it.
    // So is a file with invalid rows, whose error then names them again.
    if (!whole || file.kind === null || file.kind === 'library' || firstInvalid) return null;
    return {
      ...counts,
      kind: file.kind,
      rows: file.rows,
      sha256: input.digest(),
      sizeBytes: source.size,
    };
  }

  /**
   * Writes a window in committed chunks, its plays in artist order (a chunk
   * then holds few artists, albums and tracks, whose counters move about once
   * per window), then its library tracks.
   * `onChunk` gets the share of the window written so far.
   */
  private async writeWindow(
    user: AuthUser,
    window: PlayWindow,
    summary: ImportSummary,
    threshold: number,
    chunkRows: number,
    signal: AbortSignal | undefined,
    onChunk: (written: number) => void,
  ): Promise<void> {
    const order = window.ordered();
    for (let start = 0; start < order.length;) {
      if (signal?.aborted) throw new ImportInterruptedError();
      const end = chunkEnd(window, order, start, chunkRows);
      const chunk = order.slice(start, end);
      // Resolved just before they are recorded: a track resolved earlier could
      // meanwhile be merged into its twin by another writer, and be gone.
      const tracks = [...new Set(chunk.map((i) => window.trackIndexOf(i)))];
      const ids = await this.tracks.resolve(window.takeTracks(tracks));
      const idOf = new Map(tracks.map((t, k) => [t, ids[k]!]));
      const plays = chunk.map((i) => window.toRecord(i, idOf.get(window.trackIndexOf(i))!));
      const result = await this.recorder.record(user.id, plays);
      // Rows under the threshold are skips, counted in belowThreshold as they are read.
      const inserted = result.inserted - result.skips;
      summary.playsInserted += inserted;
      summary.duplicatesSkipped += plays.filter((p) => p.msPlayed >= threshold).length - inserted;
      await this.statistics.analyzeGrown(LIBRARY_TABLES);
      onChunk(end / order.length);
      start = end;
    }
    await this.saveTracks(user, window.saved, summary);
    if (order.length === 0) onChunk(1);
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

/**
 * Where the chunk starting at `start` ends: `rows` plays on, then on to the
 * end of the last track's plays, so a track's plays from both exports meet in
 * one batch (where the precise record of a play is the one kept).
 */
function chunkEnd(window: PlayWindow, order: number[], start: number, rows: number): number {
  let end = Math.min(start + rows, order.length);
  const last = window.trackIndexOf(order[end - 1]!);
  while (end < order.length && window.trackIndexOf(order[end]!) === last) end++;
  return end;
}

/** A file known by its fingerprint counts as reading it again would: every play already known. */
function countKnownFile(summary: ImportSummary, name: string, known: FileCounts): void {
  summary.files++;
  summary.filesAlreadyImported++;
  summary.rowsRead += known.rows;
  summary.belowThreshold += known.belowThreshold;
  summary.nonMusic += known.nonMusic;
  summary.invalidRows += known.invalidRows;
  summary.fileKinds.push({ file: name, kind: known.kind, rows: known.rows });
}

/** The summary's counts of what was written (the rest counts what was read). */
function writtenSoFar(summary: ImportSummary) {
  const { playsInserted, duplicatesSkipped, libraryTracks } = summary;
  return { playsInserted, duplicatesSkipped, libraryTracks };
}

function emptySummary(): ImportSummary {
  return {
    files: 0,
    filesAlreadyImported: 0,
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
