import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { openPostgres } from '../src/db/database.js';

const run = promisify(execFile);
const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const root = path.resolve(import.meta.dirname, '../..');

/**
 * Node options for the processes a benchmark starts: BENCH_CPU_PROFILE=<dir>
 * writes a CPU profile of each (NODE_OPTIONS does not take --cpu-prof).
 */
export const nodeArgs = process.env.BENCH_CPU_PROFILE
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
  : [];

/**
 * How a benchmark starts the CLI: as `npx spotlib` does, with the Node flags
 * its shebang (`#!/usr/bin/env -S node …`) gives, then `extra` flags.
 */
export function cliArgs(extra: string[] = []): string[] {
  const script = path.join(root, 'dist/cli.js');
  const shebangFlags = readFileSync(script, 'utf8').split('\n', 1)[0]!.split(' ').slice(3);
  return [...nodeArgs, ...shebangFlags, ...extra, script];
}

/**
 * An empty Spotlib for a measured run: a fresh data directory, and on
 * PostgreSQL the database `name`, dropped and created again.
 */
export async function freshEnvironment(engine: string, name: string): Promise<NodeJS.ProcessEnv> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'spotlib-bench-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' };
  if (engine === 'postgres') env.DATABASE_URL = await recreateDatabase(name);
  return env;
}

/** Drops and creates the database `name` on the test server; its URL. */
export async function recreateDatabase(name: string): Promise<string> {
  const admin = openPostgres(serverUrl, 1);
  await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(admin.db);
  await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin.db);
  await admin.close();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The real server (dist/main.js) on a benchmark's database: no jobs, quiet logs. */
export function spawnServer(env: NodeJS.ProcessEnv, port: string, extra: NodeJS.ProcessEnv = {}) {
  return spawn(process.execPath, [...nodeArgs, path.join(root, 'dist/main.js')], {
    env: {
      ...env,
      PORT: port,
      HOST: '127.0.0.1',
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      ...extra,
    },
    stdio: 'inherit',
  });
}

/** Runs the real CLI with `--json`; its JSON result, peak RSS and CPU time (bench/max-rss.ts). */
export async function cli(env: NodeJS.ProcessEnv, args: string[]) {
  const { stdout, stderr } = await run(
    process.execPath,
    [...cliArgs(['--import', path.join(root, 'dist-bench/bench/max-rss.js')]), ...args, '--json'],
    { env, maxBuffer: 1 << 26 },
  );
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  const maxRssKb = Number(/max-rss-kb=(\d+)/.exec(stderr)?.[1] ?? 0);
  const cpuSeconds = Number(/cpu-seconds=([\d.]+)/.exec(stderr)?.[1] ?? 0);
  return { result, maxRssKb, cpuSeconds };
}
