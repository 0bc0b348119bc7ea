import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_stat_statements } from '@electric-sql/pglite/contrib/pg_stat_statements';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { AppConfig, Engine } from '../config/config.js';
import { PreparingClient } from './prepared-statements.js';
import type { DB } from './schema.js';
import { YieldingPGliteDialect } from './yielding-pglite-dialect.js';

const INT8_OID = 20;

export interface SqlResult {
  rows: unknown[];
}

/**
 * An open database on either engine: the typed Kysely handle for the
 * application, plus a raw executor for libraries that bring their own SQL
 * (pg-boss).
 */
export class Database {
  constructor(
    readonly db: Kysely<DB>,
    readonly engine: Engine,
    readonly executeSql: (text: string, values?: unknown[]) => Promise<SqlResult>,
    /** The embedded instance itself (dumps, tools); undefined on PostgreSQL. */
    readonly pglite?: PGlite,
  ) {}

  close(): Promise<void> {
    return this.db.destroy();
  }
}

export interface PGliteLocation {
  /** A folder on disk; omitted for an in-memory database. */
  dataDir?: string;
  /** A dump (PGlite.dumpDataDir) to start from: tests copy a migrated template this way. */
  loadDataDir?: Blob | File;
}

/** Planner settings of every Spotlib session, whatever the server's defaults. */
const SESSION_SETTINGS = {
  // JIT compiles hundreds of functions for a plan over many partitions: seconds
  // of work to speed up milliseconds of execution. Spotlib's queries are short.
  jit: 'off',
  // The default (4) prices an index probe as a seek on a spinning disk, so a batch
  // of 500 lookups into a table of 60k rows was planned as a sequential scan and a
  // hash: 10x slower once the table is cached, as a database of this size is (on
  // SSD too). 1.1 is the usual setting for SSDs; it made a first 100k-track sync
  // 30% faster (docs/decisions.md).
  random_page_cost: '1.1',
};

export async function openPGlite(location: PGliteLocation): Promise<Database> {
  const pglite = await PGlite.create({
    ...(location.dataDir ? { dataDir: location.dataDir } : {}),
    ...(location.loadDataDir ? { loadDataDir: location.loadDataDir } : {}),
    extensions: { pg_trgm, unaccent, pg_stat_statements },
    parsers: { [INT8_OID]: Number },
  });
  // its one session is Spotlib's for the life of the process
  await pglite.exec(
    Object.entries(SESSION_SETTINGS)
      .map(([name, value]) => `SET ${name} = ${value};`)
      .join(' '),
  );
  const db = new Kysely<DB>({ dialect: new YieldingPGliteDialect({ pglite }) });
  // Multi-statement text (pg-boss's) only runs through exec; parameters only through query.
  const executeSql = async (text: string, values?: unknown[]) =>
    values?.length
      ? pglite.query(text, values)
      : { rows: (await pglite.exec(text)).at(-1)?.rows ?? [] };
  return new Database(db, 'pglite', executeSql, pglite);
}

export function openPostgres(connectionString: string, poolSize = 10): Database {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    connectionTimeoutMillis: 5_000,
    options: Object.entries(SESSION_SETTINGS)
      .map(([name, value]) => `-c ${name}=${value}`)
      .join(' '),
    types: { getTypeParser: readInt8AsNumber },
    Client: PreparingClient,
  });
  // A connection the server drops (a restart, a crash, pg_terminate_backend)
  // emits 'error', and an 'error' nobody listens to ends the process. The pool
  // listens only while a client is idle (and re-emits it here); while Kysely
  // holds the client nobody does, so each client gets a listener for its whole
  // life. Nothing to do in either: the query in flight rejects on its own
  // (answered 503), the broken client is discarded, the next query reconnects.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return new Database(db, 'postgres', (text, values) => pool.query(text, values));
}

const readInt8AsNumber = ((oid: number, format?: 'text' | 'binary') =>
  oid === INT8_OID
    ? Number
    : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser;

/** Where the embedded engine keeps its files inside DATA_DIR. */
export function pgliteDataDir(dataDir: string): string {
  return path.join(dataDir, 'pgdata');
}

export async function openDatabase(config: AppConfig): Promise<Database> {
  return config.databaseUrl
    ? openPostgres(config.databaseUrl, config.databasePoolSize)
    : openPGlite({ dataDir: pgliteDataDir(config.dataDir) });
}
