import { migrations } from '../src/db/migrations/index.js';
import { LATEST_MIGRATION } from './support/test-env.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CliBridgeAuth } from '../src/cli/cli-bridge-auth.js';
import { createLogger } from '../src/common/logging/logger.js';
import { DataDirLock } from '../src/db/data-dir-lock.js';
import { openPGlite, pgliteDataDir, type Database } from '../src/db/database.js';
import { createServer } from '../src/server.js';
import { testConfig } from './support/app.js';
import { spotlib } from './support/cli.js';
import { createTestDatabase, postgresAvailable } from './support/databases.js';
import { newUser, newUserTrack } from './support/factories.js';
import { databaseUrl } from './support/test-env.js';

describe('spotlib CLI on the embedded database', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'spotlib-cli-'));
    env = { DATA_DIR: dataDir };
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows every migration pending on a new data folder', async () => {
    const run = await spotlib(env, 'db', 'status', '--json');
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ current: null });
    expect(run.json.pending).toHaveLength(migrations.length);
  });

  it('imports into a new data folder, applying the migrations first', async () => {
    const fresh = await mkdtemp(path.join(tmpdir(), 'spotlib-cli-fresh-'));
    try {
      const fixture = path.resolve(
        import.meta.dirname,
        'fixtures/spotify-export/Streaming_History_Audio_2022.json',
      );
      const run = await spotlib({ DATA_DIR: fresh }, 'import', fixture, '--json');
      expect(run.code).toBe(0);
      expect(run.json).toMatchObject({ files: 1, rowsRead: 35, errors: [] });
      expect(run.json.playsInserted).toBeGreaterThan(0);
      const status = await spotlib({ DATA_DIR: fresh }, 'db', 'status', '--json');
      expect(status.json).toMatchObject({ current: LATEST_MIGRATION, pending: [] });
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it('migrates, then reports the schema up to date', async () => {
    const migrate = await spotlib(env, '--json', 'db', 'migrate');
    expect(migrate.code).toBe(0);
    expect(migrate.json).toMatchObject({ current: LATEST_MIGRATION });
    expect(migrate.json.applied).toHaveLength(migrations.length);
    expect(migrate.json.partitionsCreated).toBeGreaterThan(200);

    const status = await spotlib(env, 'db', 'status');
    expect(status.code).toBe(0);
    expect(status.stdout.at(-1)).toBe('Up to date');
  });

  it('sends its work to the running server that holds the database', async () => {
    const lock = await DataDirLock.tryAcquire(dataDir);
    expect(lock).not.toBeNull();
    const database = await openPGlite({ dataDir: pgliteDataDir(dataDir) });
    const app = await createServer(testConfig(database), database, createLogger('silent'));
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      app.get(CliBridgeAuth).open((await lock!.publishServer(await app.getUrl())).token);
      // Nobody else may open the folder meanwhile.
      expect(await DataDirLock.tryAcquire(dataDir)).toBeNull();

      const run = await spotlib(env, 'db', 'status', '--json');
      expect(run.code).toBe(0);
      expect(run.json).toMatchObject({ current: LATEST_MIGRATION, pending: [] });
    } finally {
      await app.close();
      await database.close();
      await lock!.release();
    }
  });

  it('says the folder is busy when another command holds it', async () => {
    const lock = await DataDirLock.tryAcquire(dataDir);
    try {
      const run = await spotlib(env, 'db', 'status', '--json');
      expect(run.code).toBe(1);
      expect(run.json).toMatchObject({ error: 'database_busy' });
    } finally {
      await lock!.release();
    }
  });

  it('answers a bad command, option or setting with an error naming it', async () => {
    const unknown = await spotlib(env, 'db', 'explode', '--json');
    expect(unknown.code).toBe(1);
    expect(unknown.json).toEqual({ error: 'usage_error', message: "unknown command 'explode'" });

    const badUser = await spotlib(env, 'db', 'status', '--user', 'abc', '--json');
    expect(badUser.code).toBe(1);
    expect(badUser.json.message).toMatch(/--user/);

    const badScale = await spotlib(env, 'generate', '--scale', 'XL', '--json');
    expect(badScale.code).toBe(1);
    expect(badScale.json.message).toMatch(/--scale must be S, M or L/);
    const badSeed = await spotlib(env, 'generate', '--seed', 'many', '--json');
    expect(badSeed.json.message).toMatch(/--seed must be a number/);
    const badTime = await spotlib(env, 'bench', '--time', '5', '--json');
    expect(badTime.code).toBe(1);
    expect(badTime.json.message).toMatch(/--time must be at least 10 ms/);
    const badHttp = await spotlib(env, 'bench', '--http', 'not a url', '--json');
    expect(badHttp.json.message).toMatch(/--http must be the URL of a running server/);

    const badPort = await spotlib({ ...env, PORT: 'eighty' }, 'db', 'status');
    expect(badPort.code).toBe(1);
    expect(badPort.stderr.join('\n')).toMatch(/PORT/);
    expect(badPort.stdout).toEqual([]);
  });

  it('prints help', async () => {
    const run = await spotlib(env, '--help');
    expect(run.code).toBe(0);
    expect(run.stdout.join('\n')).toMatch(/Usage: spotlib/);
  });
});

describe.skipIf(!postgresAvailable())('spotlib CLI on PostgreSQL', () => {
  let database: Database;
  let drop: () => Promise<void>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    ({ database, drop } = await createTestDatabase('postgres'));
    const { rows } = await database.executeSql('SELECT current_database() AS name');
    const name = (rows[0] as { name: string }).name;
    env = { DATABASE_URL: databaseUrl(inject('testEnvironment').postgres!.url, name) };
  });
  afterAll(async () => {
    await drop();
  });

  it('works on the server of DATABASE_URL', async () => {
    const run = await spotlib(env, 'db', 'status', '--json');
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ current: LATEST_MIGRATION, pending: [] });
  });

  it('creates an API token for the current user', async () => {
    const run = await spotlib(env, 'token', 'create', '--json');
    expect(run.code).toBe(0);
    expect(run.json.token).toMatch(/^slt_[A-Za-z0-9_-]{43}$/);
    const stored = await database.db.selectFrom('api_token').select('token_hint').execute();
    expect(stored).toEqual([{ token_hint: (run.json.token as string).slice(-4) }]);
  });

  it('exits 1 from stats verify when an aggregate drifted, 0 after stats rebuild', async () => {
    const user = await newUser(database.db);
    await newUserTrack(database.db, user.id);
    // The factory skips the membership counts: rebuild makes them right first.
    expect((await spotlib(env, 'stats', 'rebuild', '--json')).code).toBe(0);
    expect((await spotlib(env, 'stats', 'verify', '--json')).json).toMatchObject({ drift: 0 });
    await database.db.updateTable('user_track_stats').set({ skip_count: 3 }).execute();

    const drifted = await spotlib(env, 'stats', 'verify', '--json');
    expect(drifted.code).toBe(1);
    expect(drifted.json).toMatchObject({ drift: 1 });

    const rebuilt = await spotlib(env, 'stats', 'rebuild', '--user', String(user.id), '--json');
    expect(rebuilt.code).toBe(0);
    const clean = await spotlib(env, 'stats', 'verify');
    expect(clean.code).toBe(0);
    expect(clean.stdout.at(-1)).toMatch(/ 0 drifted$/);
  });

  it('refuses a --user that does not exist', async () => {
    const run = await spotlib(env, 'token', 'create', '--user', '999999', '--json');
    expect(run.code).toBe(1);
    expect(run.json).toEqual({ error: 'user_not_found', message: 'No user with id 999999' });
  });
});
