import { setTimeout as sleep } from 'node:timers/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTokenService } from '../src/auth/api-token.service.js';
import { openPostgres, type Database } from '../src/db/database.js';
import { Migrator } from '../src/db/migrator.js';
import { PlayHistoryPartitions } from '../src/db/partitions.js';
import { createTestApp } from './support/app.js';
import { newUser, newUserTrack } from './support/factories.js';
import { PrivateCluster, postgresBinDir } from './support/private-postgres.js';
import { TEST_HOT_MONTHS } from './support/test-env.js';

/**
 * The database restarting under load (issue 10, "Bad input and faults"):
 * requests fail fast with 503 and the same app serves again once the server
 * is back. On a cluster of the test's own (initdb in a temporary folder),
 * never the shared server. PGlite runs in-process: nothing to restart.
 */

const binDir = postgresBinDir();
if (!binDir && process.env.CI === 'true') {
  throw new Error("CI needs PostgreSQL's server programs (initdb, pg_ctl) for the restart test");
}

/** A request that fails for want of a database must say so within this (a bound, not a benchmark). */
const FAIL_FAST_MS = 3_000;
/** How long a restarted server may take before requests succeed again. */
const RECOVERY_MS = 30_000;
/** Smaller than the load's concurrency, so requests also queue for a connection. */
const POOL_SIZE = 4;
const LOAD_WORKERS = 6;

interface Outcome {
  status: number;
  error: string | undefined;
  retryAfter: string | undefined;
  startedAt: number;
  ms: number;
}

describe.skipIf(!binDir)('the database restarting under load [postgres, private cluster]', () => {
  let cluster: PrivateCluster | undefined;
  let database: Database | undefined;
  let app: NestFastifyApplication | undefined;
  let token: string;

  beforeAll(async () => {
    cluster = await PrivateCluster.create(binDir!);
    database = openPostgres(cluster.url, POOL_SIZE);
    await new Migrator(database.db).migrate();
    await new PlayHistoryPartitions(database.db, TEST_HOT_MONTHS).ensure();
    const user = await newUser(database.db);
    for (let i = 0; i < 20; i++) await newUserTrack(database.db, user.id);
    app = await createTestApp(database, { databaseUrl: cluster.url });
    ({ token } = await app.get(ApiTokenService).create(user, 'load'));
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    await cluster?.destroy();
  });

  const server = () => cluster!;

  /** The library's first page: the token's lookup, then the list query over several tables. */
  const listTracks = async (): Promise<Outcome> => {
    const startedAt = Date.now();
    const response = await app!.inject({
      method: 'GET',
      url: '/api/tracks?limit=10',
      headers: { authorization: `Bearer ${token}` },
    });
    const body = response.json<{ error?: string }>();
    return {
      status: response.statusCode,
      error: body.error,
      retryAfter: response.headers['retry-after'],
      startedAt,
      ms: Date.now() - startedAt,
    };
  };

  const health = () => app!.inject({ method: 'GET', url: '/api/health' });

  it('answers 503 fast while the server is stopped, and serves again once it is started', async () => {
    const load = startLoad(listTracks);
    await sleep(300);
    await server().stop('fast');
    const whileDown = await inSequence(5, listTracks);
    const healthWhileDown = await health();
    await sleep(300);
    await server().start();
    const servedAgainAt = await untilServed(listTracks);
    await sleep(300);
    const outcomes = await load.stop();

    for (const outcome of whileDown) {
      expect(outcome).toMatchObject({
        status: 503,
        error: 'database_unavailable',
        retryAfter: '5',
      });
      expect(outcome.ms).toBeLessThan(FAIL_FAST_MS);
    }
    expect(healthWhileDown.statusCode).toBe(503);
    expect(healthWhileDown.json()).toMatchObject({
      error: 'database_unavailable',
      details: { status: 'unavailable', engine: 'postgres' },
    });
    expectOnly200sAndFast503s(outcomes, servedAgainAt);
    expect(outcomes.some((o) => o.status === 503)).toBe(true);
    expect((await health()).statusCode).toBe(200);
  });

  it('recovers from a crash-like restart (sessions cut without a goodbye) under load', async () => {
    const load = startLoad(listTracks);
    await sleep(300);
    await server().restart('immediate');
    const servedAgainAt = await untilServed(listTracks);
    await sleep(300);
    expectOnly200sAndFast503s(await load.stop(), servedAgainAt);
  });

  it("survives the server dropping the pool's idle connections", async () => {
    // Fill the pool, then leave its connections idle: the restart ends them
    // while nobody queries, so only the pool's 'error' listener hears of it.
    // Without one, Node would end the process on the first such error.
    await Promise.all(Array.from({ length: POOL_SIZE }, listTracks));
    await sleep(100);
    await server().restart('fast');
    await sleep(200);
    await untilServed(listTracks);
    const burst = await Promise.all(Array.from({ length: 2 * POOL_SIZE }, listTracks));
    expect(burst.map((o) => o.status)).toEqual(burst.map(() => 200));
  });
});

/** Requests from a few concurrent clients, each sending the next as soon as one returns. */
function startLoad(request: () => Promise<Outcome>): { stop: () => Promise<Outcome[]> } {
  const outcomes: Outcome[] = [];
  let running = true;
  const worker = async () => {
    while (running) {
      outcomes.push(await request());
      // a short pause: two cores are shared with the server and other tests
      await sleep(10);
    }
  };
  const workers = Array.from({ length: LOAD_WORKERS }, worker);
  return {
    stop: async () => {
      running = false;
      await Promise.all(workers);
      return outcomes;
    },
  };
}

async function inSequence<T>(count: number, request: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < count; i++) results.push(await request());
  return results;
}

/** When the first request succeeded after a restart; fails the test past RECOVERY_MS. */
async function untilServed(request: () => Promise<Outcome>): Promise<number> {
  const deadline = Date.now() + RECOVERY_MS;
  for (;;) {
    const outcome = await request();
    if (outcome.status === 200) return outcome.startedAt;
    if (Date.now() > deadline) {
      throw new Error(
        `Still ${outcome.status} ${outcome.error} ${RECOVERY_MS} ms after the restart`,
      );
    }
    await sleep(100);
  }
}

/**
 * Every request either succeeded or failed fast with 503 database_unavailable
 * (never a 500, never a hang), and every one sent after the first success
 * following the restart succeeded.
 */
function expectOnly200sAndFast503s(outcomes: Outcome[], servedAgainAt: number): void {
  const unexpected = outcomes.filter(
    (o) => o.status !== 200 && !(o.status === 503 && o.error === 'database_unavailable'),
  );
  expect(unexpected).toEqual([]);
  expect(outcomes.filter((o) => o.ms >= FAIL_FAST_MS)).toEqual([]);
  expect(outcomes.filter((o) => o.startedAt > servedAgainAt && o.status !== 200)).toEqual([]);
  expect(outcomes.filter((o) => o.startedAt > servedAgainAt).length).toBeGreaterThan(0);
}
