import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { TestProject } from 'vitest/node';
import { openPGlite, openPostgres, type Database } from '../../src/db/database.js';
import { Migrator } from '../../src/db/migrator.js';
import { PlayHistoryPartitions } from '../../src/db/partitions.js';
import {
  DEFAULT_TEST_DATABASE_URL,
  TEST_DATABASE_PREFIX,
  TEST_HOT_MONTHS,
  databaseUrl,
  type TestEnvironment,
} from './test-env.js';

/**
 * Migrates one template per engine; each test file then gets its own copy:
 * CREATE DATABASE ... TEMPLATE on the server, a loaded dump on PGlite (a
 * fresh PGlite initdb costs seconds).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Tests that run the built programs as a user does (dist/main.js, dist/cli.js) need them current.
  execFileSync('npm', ['run', 'build'], { cwd: path.resolve(import.meta.dirname, '../..') });
  const workDir = await mkdtemp(path.join(tmpdir(), 'spotlib-test-'));
  const pgliteTemplatePath = path.join(workDir, 'pglite-template.tar');
  const pglite = await openPGlite({});
  await migrate(pglite);
  const dump = await pglite.pglite!.dumpDataDir('none');
  await writeFile(pgliteTemplatePath, Buffer.from(await dump.arrayBuffer()));
  await pglite.close();

  const postgres = await setupPostgres();
  project.provide('testEnvironment', { pgliteTemplatePath, postgres } satisfies TestEnvironment);

  return async () => {
    if (postgres) await dropDatabase(postgres.url, postgres.template);
    await rm(workDir, { recursive: true, force: true });
  };
}

async function migrate(database: Database): Promise<void> {
  await new Migrator(database.db).migrate();
  await new PlayHistoryPartitions(database.db, TEST_HOT_MONTHS).ensure(new Date());
}

async function setupPostgres(): Promise<TestEnvironment['postgres']> {
  const url = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
  const admin = openPostgres(url, 1);
  try {
    await sql`SELECT 1`.execute(admin.db);
  } catch (error) {
    await admin.close();
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env.CI === 'true') {
      throw new Error(`CI needs the PostgreSQL server at ${url}: ${reason}`, { cause: error });
    }
    console.warn(`PostgreSQL at ${url} is unreachable (${reason}): PostgreSQL tests are skipped.`);
    return null;
  }
  try {
    await dropLeftovers(admin);
    const template = `${TEST_DATABASE_PREFIX}template_${process.pid}`;
    await sql`CREATE DATABASE ${sql.id(template)}`.execute(admin.db);
    const templateDb = openPostgres(databaseUrl(url, template), 1);
    await migrate(templateDb);
    await templateDb.close();
    return { url, template };
  } finally {
    await admin.close();
  }
}

/**
 * Databases left by an interrupted earlier run: their names carry the pid of
 * the process that made them, and only those of dead processes are dropped,
 * so two test runs on one server leave each other alone.
 */
async function dropLeftovers(admin: Database): Promise<void> {
  const { rows } = await sql<{ datname: string }>`
    SELECT datname FROM pg_database WHERE datname LIKE ${`${TEST_DATABASE_PREFIX}%`}`.execute(
    admin.db,
  );
  for (const { datname } of rows) {
    const pid = Number(/_(\d+)(?:_\d+)?$/.exec(datname)?.[1]);
    if (pid && isAlive(pid)) continue;
    await sql`DROP DATABASE IF EXISTS ${sql.id(datname)} WITH (FORCE)`.execute(admin.db);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function dropDatabase(url: string, name: string): Promise<void> {
  const admin = openPostgres(url, 1);
  try {
    await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(admin.db);
  } finally {
    await admin.close();
  }
}
