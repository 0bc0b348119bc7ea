import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import PgBoss from 'pg-boss';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { Database } from '../db/database.js';
import { AppMetrics } from '../ops/metrics/app-metrics.service.js';

export interface JobDefinition<T extends object = object> {
  name: string;
  handler: (data: T) => Promise<void>;
  /** A cron expression (UTC) to run the job on a schedule. */
  cron?: string;
}

const BOSS_SCHEMA = 'pgboss';

/**
 * Background jobs on pg-boss, on whichever engine the app runs. Feature
 * modules define their jobs and schedules in onModuleInit; the queue starts
 * once the application has bootstrapped.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobsService.name);
  private readonly definitions = new Map<string, JobDefinition>();
  private boss?: PgBoss;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly database: Database,
    private readonly metrics: AppMetrics,
  ) {}

  define<T extends object>(definition: JobDefinition<T>): void {
    if (this.boss) throw new Error(`Job ${definition.name} defined after the queue started`);
    this.definitions.set(definition.name, definition as JobDefinition);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.jobsEnabled) await this.start();
  }

  async start(): Promise<void> {
    const boss = new PgBoss({
      db: { executeSql: (text, values) => this.database.executeSql(text, values) },
      schema: BOSS_SCHEMA,
    });
    boss.on('error', (error) => this.logger.error(error));
    await boss.start();
    this.boss = boss;
    for (const definition of this.definitions.values()) {
      await boss.createQueue(definition.name);
      await boss.work<object>(definition.name, async (jobs) => {
        for (const job of jobs) await this.run(definition.name, job.data);
      });
      if (definition.cron) await boss.schedule(definition.name, definition.cron);
    }
  }

  /** Runs a defined job's handler here and now, timed and counted; the queue's workers call it. */
  async run(name: string, data: object = {}): Promise<void> {
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`No job named ${name}`);
    await this.metrics.timeJob(name, () => definition.handler(data));
  }

  async send(name: string, data: object = {}): Promise<string | null> {
    if (!this.boss) throw new Error('The job queue is not running');
    return this.boss.send(name, data);
  }

  async schedules(): Promise<{ name: string; cron: string }[]> {
    if (!this.boss) return [];
    return (await this.boss.getSchedules()).map((s) => ({ name: s.name, cron: s.cron }));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.boss?.stop({ graceful: true, wait: true, close: false, timeout: 10_000 });
    this.boss = undefined;
  }
}
