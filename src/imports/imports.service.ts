import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import {
  ExportImportService,
  ImportInterruptedError,
  type ImportSummary,
} from './export-import.service.js';
import { ImportsRepository } from './imports.repository.js';

export interface UploadedFile {
  filename: string;
  file: Readable & { truncated?: boolean };
}

export interface ImportStatus {
  id: number;
  status: string;
  progress: { rows: number; bytes: number; totalBytes: number; percent: number };
  summary: ImportSummary | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** How often a running import writes its progress. */
const PROGRESS_INTERVAL_MS = 1_000;

/**
 * Imports uploaded through the API: files are streamed to disk under
 * DATA_DIR/uploads, then imported in the background while the client polls
 * the status. Shutdown stops running imports between two batches; the next
 * start resumes them after their last finished file (recording is
 * idempotent, so the file in flight is read again without double counting).
 */
@Injectable()
export class ImportsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ImportsService.name);
  private readonly running = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly imports: ImportsRepository,
    private readonly importer: ExportImportService,
  ) {}

  async upload(user: AuthUser, files: AsyncIterable<UploadedFile>): Promise<ImportStatus> {
    const uploadDir = randomUUID();
    const folder = this.uploadFolder(uploadDir);
    await mkdir(folder, { recursive: true });
    const names: string[] = [];
    let bytes = 0;
    try {
      for await (const part of files) {
        // numbered: two uploads may share a name
        const name = `${names.length}-${path.basename(part.filename).replace(/[^\w.-]/g, '_')}`;
        const target = path.join(folder, name);
        const counter = countBytes((n) => (bytes += n));
        await pipeline(part.file, counter, createWriteStream(target));
        if (part.file.truncated) {
          throw new ApiError(413, 'payload_too_large', `${part.filename} is larger than 2 GB`);
        }
        names.push(part.filename);
      }
      if (names.length === 0)
        throw new ApiError(400, 'no_files', 'Upload the export .zip or its JSON files');
    } catch (error) {
      await rm(folder, { recursive: true, force: true });
      throw error;
    }
    const id = await this.imports.create(user.id, {
      sourceName: names.join(', '),
      totalBytes: bytes,
      uploadDir,
    });
    await this.imports.start(user.id, id);
    this.track(this.runInBackground(user, id, uploadDir, null));
    return this.status(user, id);
  }

  async status(user: AuthUser, id: number): Promise<ImportStatus> {
    const row = await this.imports.find(user.id, id);
    if (!row) throw new ApiError(404, 'not_found', `No import ${id}`);
    return {
      id: row.id,
      status: row.status,
      progress: {
        rows: row.rows_read,
        bytes: row.processed_bytes,
        totalBytes: row.total_bytes,
        percent: row.total_bytes ? Math.floor((100 * row.processed_bytes) / row.total_bytes) : 0,
      },
      summary: (row.summary as ImportSummary | null) ?? null,
      error: row.error,
      createdAt: row.created_at.toISOString(),
      finishedAt: row.finished_at?.toISOString() ?? null,
    };
  }

  /** Background work runs in the server only (JOBS_ENABLED), not in CLI commands or tests. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.jobsEnabled) await this.resumeInterrupted();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.running]);
  }

  /**
   * Starts again every uploaded import a stopped server left unfinished. Only
   * imports whose files wait in this server's DATA_DIR: one live server holds
   * a DATA_DIR (its lock file), so they cannot be running elsewhere.
   */
  async resumeInterrupted(): Promise<number> {
    let resumed = 0;
    for (const row of await this.imports.unfinished()) {
      if (!existsSync(this.uploadFolder(row.upload_dir!))) continue;
      if (!(await this.imports.claim(row.user_id, row.id, row.started_at))) continue;
      const summary = (row.summary as ImportSummary | null) ?? null;
      this.track(this.runInBackground({ id: row.user_id }, row.id, row.upload_dir!, summary));
      resumed++;
    }
    return resumed;
  }

  private uploadFolder(uploadDir: string): string {
    return path.join(this.config.dataDir, 'uploads', uploadDir);
  }

  private async runInBackground(
    user: AuthUser,
    id: number,
    uploadDir: string,
    resumeFrom: ImportSummary | null,
  ): Promise<void> {
    const folder = this.uploadFolder(uploadDir);
    let lastWrite = 0;
    // Progress writes go one after another and all land before the final status.
    let writing = Promise.resolve();
    let interrupted = false;
    try {
      const summary = await this.importer.importPaths(user, [folder], {
        resumeFrom,
        signal: this.stopping.signal,
        onCheckpoint: (soFar) => this.imports.checkpoint(user.id, id, soFar),
        onProgress: (progress) => {
          if (Date.now() - lastWrite < PROGRESS_INTERVAL_MS) return;
          lastWrite = Date.now();
          writing = writing
            .then(() => this.imports.progress(user.id, id, progress))
            .catch(() => undefined);
        },
      });
      await writing;
      const named = {
        ...summary,
        // names as the user uploaded them, not where they waited on disk
        fileKinds: summary.fileKinds.map((f) => ({ ...f, file: uploadedName(folder, f.file) })),
        errors: summary.errors.map((e) => ({ ...e, file: uploadedName(folder, e.file) })),
      };
      await this.imports.finish(user.id, id, { status: 'completed', summary: named });
    } catch (error) {
      interrupted = error instanceof ImportInterruptedError;
      if (interrupted) {
        this.logger.log(`Import ${id} stopped by shutdown; it resumes at the next start`);
        return;
      }
      this.logger.error(error);
      await this.imports.finish(user.id, id, {
        status: 'failed',
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      if (!interrupted) await rm(folder, { recursive: true, force: true });
    }
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }
}

function countBytes(add: (n: number) => void) {
  return async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      add(chunk.length);
      yield chunk;
    }
  };
}

/** A file of an upload as the user named it: without the folder and the number it was saved under. */
function uploadedName(folder: string, file: string): string {
  return path.relative(folder, file).replace(/^\d+-/, '');
}
