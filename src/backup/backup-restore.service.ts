import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { Kysely } from 'kysely';
import type { AuthUser } from '../auth/auth-user.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import type { DB } from '../db/schema.js';
import { HistoryRepository } from '../history/history.repository.js';
import {
  HISTORY_PARENTS,
  TableStatisticsService,
} from '../ops/database/table-statistics.service.js';
import { RollupsRepository } from '../stats/rollups.repository.js';
import { StatsAuditService } from '../stats/stats-audit.service.js';
import { UsersRepository } from '../users/users.repository.js';
import { ArchiveChecker } from './archive-check.js';
import { BackupFileError, readArchiveLines } from './archive-file.js';
import type { BackupHeader, RecordCounts, RecordOf } from './archive-format.js';
import { readRecords } from './archive-reader.js';
import { ArchiveLoader } from './archive-loader.service.js';
import { BackupRestoreRepository } from './backup-restore.repository.js';

/** Whom to restore into: an existing user without data, or a new user of this name. */
export type RestoreTarget = { user: AuthUser } | { newUsername: string };

export interface CheckResult {
  file: string;
  exportedAt: string;
  username: string;
  counts: RecordCounts;
}

export interface RestoreResult extends CheckResult {
  userId: number;
  /** the user it was restored into */
  restoredAs: string;
  created: boolean;
  playsWritten: number;
  seconds: number;
  /** `stats verify` of the restored user */
  verify: { checked: number; drift: number };
}

interface Archive {
  header: BackupHeader;
  settings: RecordOf<'settings'>;
  counts: RecordCounts;
}

interface OpenedUser {
  id: number;
  username: string;
  created: boolean;
  /** what a failed restore puts back (an existing user's) */
  before: { timeZone: string; playThresholdMs: number; displayName: string | null };
}

/** What a restore fills in bulk: analyzed once it is in (the rollups' rebuild analyzes them). */
const LOADED_TABLES = [
  ...HISTORY_PARENTS,
  'user_track',
  'user_track_stats',
  'track_tag',
  'playlist_track',
  'user_artist',
  'user_album',
] as const;

/** Progress reports during the first read (every this many records). */
const PROGRESS_EVERY = 5_000;

/**
 * `spotlib restore`: reads an archive twice. First whole, checking it holds
 * together (format, version, every record, every reference, the end count),
 * writing nothing, so a corrupt, truncated or foreign file changes nothing.
 * Then into the user, in committed batches. A restore that fails after that
 * (the database, a full disk) undoes itself: the user it created is removed,
 * an existing user is emptied again and gets their settings back. Counters
 * follow the plays written and the rollups are rebuilt once at the end, so
 * `stats verify` finds no drift; the result carries its answer.
 */
@Injectable()
export class BackupRestoreService {
  private readonly logger = new Logger(BackupRestoreService.name);

  constructor(
    private readonly db: Kysely<DB>,
    private readonly users: UsersRepository,
    private readonly restore: BackupRestoreRepository,
    private readonly loader: ArchiveLoader,
    private readonly history: HistoryRepository,
    private readonly rollups: RollupsRepository,
    private readonly audit: StatsAuditService,
    private readonly statistics: TableStatisticsService,
  ) {}

  /** Reads the archive whole and checks it, writing nothing. */
  async check(file: string, onProgress: (done: number, total: number) => void = () => undefined) {
    const size = await sizeOf(file);
    const archive = await this.read(file, (bytes) => onProgress(bytes, size));
    return describe(file, archive);
  }

  async restoreFrom(
    file: string,
    target: RestoreTarget,
    onProgress: (done: number, total: number) => void = () => undefined,
  ): Promise<RestoreResult> {
    const started = performance.now();
    const size = await sizeOf(file);
    await this.assertUsable(target);
    const archive = await this.read(file, (bytes) => onProgress(bytes, 2 * size));
    if (!(await this.users.knowsTimeZone(archive.settings.timeZone))) {
      throw invalid(file, `its time zone ${archive.settings.timeZone} is unknown to this database`);
    }
    const user = await this.open(target);
    try {
      await this.applySettings(user, archive);
      // one rebuild at the end instead of keeping the rollups batch by batch (as a bulk import)
      await this.rollups.suspend(user.id);
      const playsWritten = await this.loader.load(user.id, file, (bytes) =>
        onProgress(size + bytes, 2 * size),
      );
      // statistics first: planned on the counts of an empty user, the rebuild's join crawls
      await this.statistics.analyzeAfterBulkLoad(LOADED_TABLES);
      await this.rollups.rebuild(user.id);
      const { checked, drift } = await this.audit.verify(user.id);
      return {
        ...describe(file, archive),
        userId: user.id,
        restoredAs: user.username,
        created: user.created,
        playsWritten,
        seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
        verify: { checked, drift },
      };
    } catch (error) {
      await this.undo(user, error);
      throw error instanceof BackupFileError ? invalid(file, error.message) : error;
    }
  }

  private async read(file: string, onBytes: (bytes: number) => void): Promise<Archive> {
    let header: BackupHeader | undefined;
    let settings: RecordOf<'settings'> | undefined;
    const checker = new ArchiveChecker();
    let read = 0;
    try {
      const lines = readArchiveLines(file);
      for await (const { line, record, bytesRead } of readRecords(lines, (h) => (header = h))) {
        checker.add(record, line);
        if (record.type === 'settings') settings = record;
        if (++read % PROGRESS_EVERY === 0) onBytes(bytesRead);
      }
      const counts = checker.finish();
      return { header: header!, settings: settings!, counts };
    } catch (error) {
      throw error instanceof BackupFileError ? invalid(file, error.message) : error;
    }
  }

  /** Refuses a user who has data, or a new name that is taken, before reading anything. */
  private async assertUsable(target: RestoreTarget): Promise<void> {
    if ('user' in target) {
      if (await this.restore.hasData(target.user.id)) {
        throw new ApiError(
          409,
          'user_has_data',
          `User ${target.user.id} already has tracks, tags, playlists or plays: restore into a user without data, or as a new user with --as <name>`,
        );
      }
    } else if (await this.users.findByUsername(target.newUsername)) {
      throw taken(target.newUsername);
    }
  }

  private async open(target: RestoreTarget): Promise<OpenedUser> {
    if ('user' in target) return this.opened(target.user.id, false);
    const user = await this.users.create(target.newUsername, {
      passwordHash: null,
      isAdmin: false,
    });
    if (!user) throw taken(target.newUsername);
    return this.opened(user.id, true);
  }

  private async opened(userId: number, created: boolean): Promise<OpenedUser> {
    const profile = await this.users.findProfile(userId);
    if (!profile) throw new ApiError(404, 'user_not_found', `No user with id ${userId}`);
    const before = {
      timeZone: profile.time_zone,
      playThresholdMs: profile.play_threshold_ms,
      displayName: profile.display_name,
    };
    return { id: userId, username: profile.username, created, before };
  }

  private async applySettings(user: OpenedUser, { header, settings }: Archive): Promise<void> {
    await this.db.transaction().execute((trx) =>
      this.users.updateSettings(trx, user.id, {
        timeZone: settings.timeZone,
        playThresholdMs: settings.playThresholdMs,
      }),
    );
    if (user.before.displayName === null && header.user.displayName !== null) {
      await this.restore.setDisplayName(user.id, header.user.displayName);
    }
  }

  /** Takes back what a failed restore wrote; a failure here is logged, the restore's error stands. */
  private async undo(user: OpenedUser, cause: unknown): Promise<void> {
    try {
      await this.db.transaction().execute(async (trx) => {
        await this.history.lockForRecording(trx, user.id);
        if (user.created) return this.restore.deleteUser(trx, user.id);
        await this.restore.deleteUserData(trx, user.id);
        await this.users.updateSettings(trx, user.id, user.before);
      });
      if (user.created) return;
      await this.restore.setDisplayName(user.id, user.before.displayName);
      await this.rollups.rebuild(user.id);
    } catch (error) {
      this.logger.error(
        `Undoing the failed restore into user ${user.id} failed (${String(error)}) after: ${String(cause)}`,
      );
    }
  }
}

function describe(file: string, { header, counts }: Archive): CheckResult {
  return {
    file,
    exportedAt: header.exportedAt.toISOString(),
    username: header.user.username,
    counts,
  };
}

async function sizeOf(file: string): Promise<number> {
  try {
    const found = await stat(file);
    if (!found.isFile()) throw invalid(file, 'it is not a file');
    return found.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw invalid(file, 'no such file');
    throw error;
  }
}

function invalid(file: string, problem: string): ApiError {
  return new ApiError(400, 'invalid_backup', `Cannot restore ${file}: ${problem}`);
}

function taken(username: string): ApiError {
  return new ApiError(
    409,
    'username_taken',
    `A user named ${username} already exists: restore into them with --user <id> if they have no data`,
  );
}
