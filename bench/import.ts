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
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openPostgres } from '../src/db/database.js';
import { writeExtendedHistory } from '../src/generator/extended-history-files.js';
import { readExportFile } from '../src/imports/export-reader.js';
import { cli, freshEnvironment, root } from './environment.js';
import { writeBenchmarksMarkdown } from './report.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    engine: { type: 'string', default: 'both' },
    seed: { type: 'string', default: '1' },
  },
});
const ROWS = Number(values.rows);
const SEED = Number(values.seed);

interface ImportRun {
  seconds: number;
  playsPerSecond: number;
  rowsPerSecond: number;
  maxRssMB: number;
  cpuSeconds: number;
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
    const env = await freshEnvironment(engine, 'spotlib_bench_import');
    await cli(env, ['db', 'migrate']);
    const parsing = engine === 'postgres' ? await parseCpuSeconds(exportDir) : 0;
    const first = await importOnce(env, exportDir);
    const plays = (first.summary as { playsInserted: number }).playsInserted;
    const floor =
      engine === 'postgres'
        ? {
            parseCpuSeconds: parsing,
            historyInsertSeconds: await historyInsertSeconds(env),
            targetSeconds: Number((plays / 100_000).toFixed(2)),
          }
        : undefined;
    const again = await importOnce(env, exportDir);
    const otherFiles = await importOnce(env, await respelled(exportDir));
    const verify = (await cli(env, ['stats', 'verify'])).result;
    const report = {
      engine,
      date: new Date().toISOString(),
      machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
      rows: ROWS,
      firstImport: first,
      floor,
      reimport: again,
      reimportOtherFiles: otherFiles,
      verify,
    };
    console.log(
      `${engine}: first import ${first.playsPerSecond} plays/s (${first.seconds} s, ${first.maxRssMB} MB peak RSS); ` +
        `re-import ${again.rowsPerSecond} rows/s (${again.seconds} s, ${again.maxRssMB} MB); ` +
        `the same rows in other files ${otherFiles.rowsPerSecond} rows/s (${otherFiles.seconds} s)`,
    );
    if (floor) {
      console.log(
        `  floor of a first import: parsing ${floor.parseCpuSeconds} s of CPU, inserting its plays ` +
          `into the history ${floor.historyInsertSeconds} s; 100k plays/s allows ${floor.targetSeconds} s`,
      );
    }
    await mkdir('bench/results', { recursive: true });
    const file = `bench/results/import-${engine}-${report.date.slice(0, 10)}.json`;
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    await rm(env.DATA_DIR!, { recursive: true, force: true });
  }
  await writeBenchmarksMarkdown(path.join(root, 'bench/results'), path.join(root, 'BENCHMARKS.md'));
}

/**
 * The export's rows again in other bytes (compact JSON): a re-import that
 * cannot be answered from the files' fingerprints, as when Spotify sends a
 * new export holding the old plays, and matches every row.
 */
async function respelled(dir: string): Promise<string> {
  const target = `${dir}-respelled`;
  if (existsSync(path.join(target, 'done'))) return target;
  await mkdir(target, { recursive: true });
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.json'))) {
    const rows = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as unknown;
    await writeFile(path.join(target, file), JSON.stringify(rows));
  }
  await writeFile(path.join(target, 'done'), '');
  return target;
}

/**
 * What any first import of these files costs at least, whatever it does
 * besides: the CPU to parse them (in this process, as the CLI reads them,
 * before the import so that the server is idle), and the server's time to
 * insert the plays the import recorded into the history with its indexes,
 * from a table already holding them (rolled back).
 */
async function parseCpuSeconds(dir: string): Promise<number> {
  const before = process.cpuUsage();
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.json'))) {
    const input = createReadStream(path.join(dir, file), { highWaterMark: 1 << 20 });
    for await (const entries of readExportFile(file, input)) void entries;
  }
  const cpu = process.cpuUsage(before);
  return Number(((cpu.user + cpu.system) / 1e6).toFixed(2));
}

async function historyInsertSeconds(env: NodeJS.ProcessEnv): Promise<number> {
  const database = openPostgres(env.DATABASE_URL!, 1);
  let seconds = 0;
  try {
    await database.db.transaction().execute(async (trx) => {
      await sql`CREATE TEMP TABLE copied ON COMMIT DROP AS
        SELECT * FROM play_history UNION ALL SELECT * FROM play_history_archive`.execute(trx);
      const started = performance.now();
      // another user's plays: the same rows, keys and partitions
      for (const table of ['play_history', 'play_history_archive']) {
        await sql`
          INSERT INTO ${sql.table(table)}
            (user_id, user_track_id, played_at, ms_played, source, skipped, reason_start, reason_end)
          SELECT * FROM (
            SELECT user_id + 1000000 AS user_id, user_track_id, played_at, ms_played, source,
              skipped, reason_start, reason_end FROM copied) c
          WHERE played_at ${sql.raw(table === 'play_history' ? '>=' : '<')}
            (SELECT coalesce(min(played_at), 'infinity') FROM play_history)`.execute(trx);
      }
      seconds = (performance.now() - started) / 1000;
      throw new RolledBack();
    });
  } catch (error) {
    if (!(error instanceof RolledBack)) throw error;
  } finally {
    await database.close();
  }
  return Number(seconds.toFixed(2));
}

class RolledBack extends Error {}

async function importOnce(env: NodeJS.ProcessEnv, dir: string): Promise<ImportRun> {
  const started = performance.now();
  const { result, maxRssKb, cpuSeconds } = await cli(env, ['import', dir]);
  const seconds = (performance.now() - started) / 1000;
  const summary = result as { playsInserted: number; rowsRead: number };
  return {
    seconds: Number(seconds.toFixed(2)),
    playsPerSecond: Math.round(summary.playsInserted / seconds),
    rowsPerSecond: Math.round(summary.rowsRead / seconds),
    maxRssMB: Math.round(maxRssKb / 1024),
    cpuSeconds,
    summary: result,
  };
}

await main();
