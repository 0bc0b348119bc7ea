import { readFile } from 'node:fs/promises';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import type { Engine } from '../../src/config/config.js';
import { openPGlite, openPostgres, type Database } from '../../src/db/database.js';
import type { DB } from '../../src/db/schema.js';
import { TEST_DATABASE_PREFIX, databaseUrl } from './test-env.js';

export const ENGINES: readonly Engine[] = ['pglite', 'postgres'];

export interface TestDatabase {
  readonly engine: Engine;
  /** Valid inside tests and hooks (opened in beforeAll). */
  readonly database: Database;
  readonly db: Kysely<DB>;
}

let databaseCounter = 0;

export interface OwnedDatabase {
  database: Database;
  drop: () => Promise<void>;
}

/** A fresh database of the engine: migrated (from the template), or `empty`. */
export async function createTestDatabase(
  engine: Engine,
  { empty = false }: { empty?: boolean } = {},
): Promise<OwnedDatabase> {
  const env = inject('testEnvironment');
  if (engine === 'pglite') {
    const dump = empty ? undefined : new Blob([await readFile(env.pgliteTemplatePath)]);
    const database = await openPGlite(dump ? { loadDataDir: dump } : {});
    return { database, drop: () => database.close() };
  }
  if (!env.postgres) throw new Error('PostgreSQL is not available for tests');
  const { url, template } = env.postgres;
  const name = `${TEST_DATABASE_PREFIX}${process.pid}_${++databaseCounter}`;
  const admin = openPostgres(url, 1);
  try {
    await sql`CREATE DATABASE ${sql.id(name)} ${empty ? sql`` : sql`TEMPLATE ${sql.id(template)}`}`.execute(
      admin.db,
    );
  } finally {
    await admin.close();
  }
  const database = openPostgres(databaseUrl(url, name), 20);
  return {
    database,
    drop: async () => {
      await database.close();
      const dropper = openPostgres(url, 1);
      await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(dropper.db);
      await dropper.close();
    },
  };
}

export function postgresAvailable(): boolean {
  return inject('testEnvironment').postgres !== null;
}

/** Opens a fresh database before the block's tests and drops it after them. */
export function useTestDatabase(engine: Engine): TestDatabase {
  let opened: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  beforeAll(async () => {
    opened = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await opened?.drop();
  });
  const current = () => {
    if (!opened) throw new Error('The test database is opened in beforeAll');
    return opened.database;
  };
  return {
    engine,
    get database() {
      return current();
    },
    get db() {
      return current().db;
    },
  };
}

/** One describe block per engine; the PostgreSQL one is skipped (the global setup said why) without a server. */
export function describeEngines(title: string, tests: (engine: Engine) => void): void {
  for (const engine of ENGINES) {
    describe.skipIf(engine === 'postgres' && !postgresAvailable())(`${title} [${engine}]`, () => {
      tests(engine);
    });
  }
}

/** The same tests on every engine, each block on its own fresh database. */
export function describeEachEngine(title: string, tests: (t: TestDatabase) => void): void {
  describeEngines(title, (engine) => tests(useTestDatabase(engine)));
}

/** A fresh database for one test, dropped after it. */
export async function withTestDatabase<T>(
  engine: Engine,
  test: (database: Database) => Promise<T>,
): Promise<T> {
  const { database, drop } = await createTestDatabase(engine);
  try {
    return await test(database);
  } finally {
    await drop();
  }
}
