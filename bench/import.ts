/**
 * Export import end to end through the real CLI: a generated extended
 * history imported into an empty database, then the same files again.
 * Reports plays/s, rows/s and the CLI process's peak RSS per engine.
 *
 *   npm run bench:import [-- --rows 1000000 --engine postgres|pglite|both]
 *
 * PostgreSQL uses (and recreates) `spotlib_bench_import` on the server of
 * TEST_DATABASE_URL; PGlite a fresh data directory.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openPostgres } from '../src/db/database.js';
import { writeExtendedHistory } from '../src/generator/extended-history-files.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    engine: { type: 'string', default: 'both' },
    seed: { type: 'string', default: '1' },
  },
});
const ROWS = Number(values.rows);
const SEED = Number(values.seed);
const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const root = path.resolve(import.meta.dirname, '../..');

interface ImportRun {
  seconds: number;
  playsPerSecond: number;
  rowsPerSecond: number;
  maxRssMB: number;
  summary: Record<string, unknown>;
}

async function main() {
  const exportDir = path.join(os.tmpdir(), `spotlib-bench-export-${ROWS}-${SEED}`);
  if (!existsSync(path.join(exportDir, 'done'))) {
    console.log(`generating ${ROWS} rows in ${exportDir}`);
    const generated = await writeExtendedHistory(exportDir, {
      rows: ROWS,
      seed: SEED,
      end: new Date('2026-11-01'),
    });
    await writeFile(path.join(exportDir, 'done'), JSON.stringify(generated.bytes));
  }
  const engines = values.engine === 'both' ? ['postgres', 'pglite'] : [values.engine];
  for (const engine of engines) {
    const env = await freshEnvironment(engine);
    await cli(env, ['db', 'migrate']);
    const first = await importOnce(env, exportDir);
    const again = await importOnce(env, exportDir);
    const verify = (await cli(env, ['stats', 'verify'])).result;
    const report = {
      engine,
      date: new Date().toISOString(),
      machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
      rows: ROWS,
      firstImport: first,
      reimport: again,
      verify,
    };
    console.log(
      `${engine}: first import ${first.playsPerSecond} plays/s (${first.seconds} s, ${first.maxRssMB} MB peak RSS); ` +
        `re-import ${again.rowsPerSecond} rows/s (${again.seconds} s, ${again.maxRssMB} MB)`,
    );
    await mkdir('bench/results', { recursive: true });
    const file = `bench/results/import-${engine}-${report.date.slice(0, 10)}.json`;
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    await rm(env.DATA_DIR!, { recursive: true, force: true });
  }
}

async function importOnce(env: NodeJS.ProcessEnv, dir: string): Promise<ImportRun> {
  const started = performance.now();
  const { result, maxRssKb } = await cli(env, ['import', dir]);
  const seconds = (performance.now() - started) / 1000;
  const summary = result as { playsInserted: number; rowsRead: number };
  return {
    seconds: Number(seconds.toFixed(2)),
    playsPerSecond: Math.round(summary.playsInserted / seconds),
    rowsPerSecond: Math.round(summary.rowsRead / seconds),
    maxRssMB: Math.round(maxRssKb / 1024),
    summary: result,
  };
}

async function cli(env: NodeJS.ProcessEnv, args: string[]) {
  const { stdout, stderr } = await run(
    process.execPath,
    [
      '--import',
      path.join(root, 'dist-bench/bench/max-rss.js'),
      path.join(root, 'dist/cli.js'),
      ...args,
      '--json',
    ],
    { env, maxBuffer: 1 << 26 },
  );
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  const maxRssKb = Number(/max-rss-kb=(\d+)/.exec(stderr)?.[1] ?? 0);
  return { result, maxRssKb };
}

async function freshEnvironment(engine: string): Promise<NodeJS.ProcessEnv> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'spotlib-bench-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' };
  if (engine === 'postgres') {
    const admin = openPostgres(serverUrl, 1);
    await sql`DROP DATABASE IF EXISTS spotlib_bench_import WITH (FORCE)`.execute(admin.db);
    await sql`CREATE DATABASE spotlib_bench_import`.execute(admin.db);
    await admin.close();
    const url = new URL(serverUrl);
    url.pathname = '/spotlib_bench_import';
    env.DATABASE_URL = url.toString();
  }
  return env;
}

await main();
