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
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { writeExtendedHistory } from '../src/generator/extended-history-files.js';
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
    const first = await importOnce(env, exportDir);
    const again = await importOnce(env, exportDir);
    const otherFiles = await importOnce(env, await respelled(exportDir));
    const verify = (await cli(env, ['stats', 'verify'])).result;
    const report = {
      engine,
      date: new Date().toISOString(),
      machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
      rows: ROWS,
      firstImport: first,
      reimport: again,
      reimportOtherFiles: otherFiles,
      verify,
    };
    console.log(
      `${engine}: first import ${first.playsPerSecond} plays/s (${first.seconds} s, ${first.maxRssMB} MB peak RSS); ` +
        `re-import ${again.rowsPerSecond} rows/s (${again.seconds} s, ${again.maxRssMB} MB); ` +
        `the same rows in other files ${otherFiles.rowsPerSecond} rows/s (${otherFiles.seconds} s)`,
    );
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
