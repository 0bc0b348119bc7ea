import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { ApiError } from '../../common/errors/http-error.filter.js';
import type { PlaySource } from '../../db/schema.js';

/** The route label of a request no route matched: one value, whatever URL was asked for. */
export const UNMATCHED_ROUTE = 'unmatched';

/** What a failed Spotify sync was doing: a whole sync, or the scheduled poll of recent plays. */
export type SyncOperation = 'sync' | 'poll_recent';

/**
 * Spotlib's own instruments, on the application's registry. Every label
 * takes values from a small set fixed by the code (route templates, job
 * names, play sources, error codes), never from user input, so the number
 * of series stays bounded.
 */
@Injectable()
export class AppMetrics {
  private readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  // `job_name`, not `job`: Prometheus attaches its own `job` label to every scraped series.
  private readonly jobDuration: Histogram<'job_name'>;
  private readonly jobFailures: Counter<'job_name'>;
  private readonly playsRecorded: Counter<'source'>;
  private readonly syncErrors: Counter<'operation' | 'kind'>;

  constructor(registry: Registry) {
    const registers: Registry[] = [registry];
    this.httpDuration = new Histogram({
      name: 'spotlib_http_request_duration_seconds',
      help: 'HTTP request latency by method, route template and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.jobDuration = new Histogram({
      name: 'spotlib_job_duration_seconds',
      help: 'Background job run time by job, failed runs included',
      labelNames: ['job_name'],
      // jobs range from a quick partition check to a sync of a whole library
      buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600],
      registers,
    });
    this.jobFailures = new Counter({
      name: 'spotlib_job_failures_total',
      help: 'Background job runs that threw, by job',
      labelNames: ['job_name'],
      registers,
    });
    this.playsRecorded = new Counter({
      name: 'spotlib_plays_recorded_total',
      help: 'Plays written to the history (duplicates excluded), by source',
      labelNames: ['source'],
      registers,
    });
    this.syncErrors = new Counter({
      name: 'spotlib_sync_errors_total',
      help: 'Spotify syncs that failed, by operation and error kind',
      labelNames: ['operation', 'kind'],
      registers,
    });
  }

  observeHttpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  /** Runs a job's handler, timing it and counting it as failed if it throws. */
  async timeJob(jobName: string, run: () => Promise<void>): Promise<void> {
    const labels = { job_name: jobName };
    // A series at 0 from the first run on, so increase() sees the first failure.
    this.jobFailures.inc(labels, 0);
    const stop = this.jobDuration.startTimer(labels);
    try {
      await run();
    } catch (error) {
      this.jobFailures.inc(labels);
      throw error;
    } finally {
      stop();
    }
  }

  playsInserted(source: PlaySource, count: number): void {
    if (count > 0) this.playsRecorded.inc({ source }, count);
  }

  /** `kind` is the API error code the failure became (spotify_rate_limited, ...), else internal. */
  syncFailed(operation: SyncOperation, error: unknown): void {
    const kind = error instanceof ApiError ? error.body.error : 'internal';
    this.syncErrors.inc({ operation, kind });
  }
}
