/**
 * The benchmark suite on one engine and scale, through the real CLI:
 * generates the scale's world once (kept between runs), runs the scenarios
 * (`spotlib bench`), writes bench/results/<engine>-<scale>-<date>.json and
 * rewrites BENCHMARKS.md from the latest results.
 *
 *   npm run bench [-- --scale S|M|L --engine postgres|pglite --seed 1 --time 1000 --fresh]
 *
 * PostgreSQL: the database `spotlib_bench_<scale>_<seed>` on the server of
 * BENCH_DATABASE_URL or TEST_DATABASE_URL; PGlite: a data directory under the
 * system's temporary folder. A marker file there says the world is complete;
 * `--fresh` starts over.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { sql } from 'kysely';
import { openPostgres } from '../src/db/database.js';
import { cliArgs, root, spawnServer } from './environment.js';
import { writeBenchmarksMarkdown } from './report.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'S' },
    engine: { type: 'string', default: 'postgres' },
    seed: { type: 'string', default: '1' },
    time: { type: 'string', default: '1000' },
    fresh: { type: 'boolean', default: false },
  },
});
const scale = values.scale.toUpperCase();
const serverUrl =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

async function main() {
  const env = await environment();
  await cli(env, ['db', 'migrate'], false);
  const generated = path.join(env.DATA_DIR!, 'generated');
  if (!existsSync(generated)) {
    // Idempotent: an interrupted generation simply runs again.
    await cli(env, ['generate', '--scale', scale, '--seed', values.seed], true);
    await writeFile(generated, new Date().toISOString());
  }
  // what a migration left to the background (figures it introduced) is built before measuring
  await cli(env, ['stats', 'rebuild', '--stale'], false);
  const server = await startServer(env);
  try {
    const result = await cli(
      env,
      ['bench', '--scale', scale, '--time', values.time, '--http', server.url],
      false,
    );
    console.log(`results: ${String(result.file)}`);
  } finally {
    server.stop();
  }
  await writeBenchmarksMarkdown(path.join(root, 'bench/results'), path.join(root, 'BENCHMARKS.md'));
}

async function environment(): Promise<NodeJS.ProcessEnv> {
  const name = `spotlib_bench_${scale.toLowerCase()}_${values.seed}`;
  const dataDir = path.join(os.tmpdir(), name);
  if (values.fresh) await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' };
  if (values.engine === 'postgres') {
    const admin = openPostgres(serverUrl, 1);
    if (values.fresh)
      await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(admin.db);
    const { rows } = await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`.execute(admin.db);
    if (rows.length === 0) await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin.db);
    await admin.close();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
  } else if (values.engine !== 'pglite') {
    throw new Error('--engine must be postgres or pglite');
  }
  return env;
}

/** The real server on the bench database, for the scenarios measured through HTTP. */
async function startServer(env: NodeJS.ProcessEnv) {
  const port = process.env.BENCH_PORT ?? '3917';
  // thousands of requests a minute from one client: measured, not limited
  const child = spawnServer(env, port, { RATE_LIMIT_PER_MINUTE: '0' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, stop: () => child.kill() };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill();
  throw new Error(`the server did not answer on ${url}`);
}

/** Runs a CLI command; shows its progress bar when asked; returns its JSON result. */
async function cli(env: NodeJS.ProcessEnv, args: string[], showProgress: boolean) {
  if (!showProgress) {
    const { stdout } = await run(process.execPath, [...cliArgs(), ...args, '--json'], {
      env,
      maxBuffer: 1 << 26,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  }
  const child = spawn(process.execPath, [...cliArgs(), ...args], { env, stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`spotlib ${args.join(' ')} exited with ${code}`);
  return {};
}

await main();
