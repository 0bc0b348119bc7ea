import path from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' })
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Months of play history kept in the hot table; older months live in the archive. */
  HISTORY_HOT_MONTHS: z.coerce.number().int().min(1).max(120).default(6),
  /** pg-boss schedules and workers; off for one-shot processes. */
  JOBS_ENABLED: z.stringbool().default(true),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** Rows an import commits at a time: more is faster and takes more memory (default per engine). */
  IMPORT_CHUNK_ROWS: z.coerce.number().int().min(100).max(500_000).optional(),
});

export type Engine = 'pglite' | 'postgres';

export interface AppConfig {
  host: string;
  port: number;
  engine: Engine;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  historyHotMonths: number;
  jobsEnabled: boolean;
  databasePoolSize: number;
  importChunkRows: number | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment once; a bad value names its variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(withoutEmptyValues(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    engine: e.DATABASE_URL ? 'postgres' : 'pglite',
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    historyHotMonths: e.HISTORY_HOT_MONTHS,
    jobsEnabled: e.JOBS_ENABLED,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    importChunkRows: e.IMPORT_CHUNK_ROWS,
  };
}

/** An empty variable (`PORT=`) means "not set", as shells and .env files write it. */
function withoutEmptyValues(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]),
  );
}
