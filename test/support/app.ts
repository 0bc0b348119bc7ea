import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '../../src/common/logging/logger.js';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { Database } from '../../src/db/database.js';
import { createServer } from '../../src/server.js';
import type { TestDatabase } from './databases.js';

export function testConfig(database: Database, overrides: Partial<AppConfig> = {}): AppConfig {
  const defaults = loadConfig({});
  return {
    ...defaults,
    // one address sends every test's requests: limits have their own tests
    http: { ...defaults.http, rateLimitPerMinute: 0 },
    engine: database.engine,
    jobsEnabled: false,
    logLevel: 'silent',
    // a fixed key: tests must not write a key file into the working tree's data dir
    encryptionKey: 'c3BvdGxpYi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGU=',
    ...overrides,
  };
}

/** The HTTP app on a test database, initialised, answering `app.inject()` without a socket. */
export async function createTestApp(
  database: Database,
  overrides: Partial<AppConfig> = {},
): Promise<NestFastifyApplication> {
  const config = testConfig(database, overrides);
  const app = await createServer(config, database, createLogger('silent'));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/**
 * An app per describe block on its test database. `queries()` counts the
 * statements the app has run through Kysely so far (N+1 tests).
 * `overrides` is read when the app starts (after earlier beforeAll hooks).
 */
export function useTestApp(
  t: TestDatabase,
  overrides: () => Partial<AppConfig> = () => ({}),
): {
  readonly app: NestFastifyApplication;
  queries(): number;
} {
  let app: NestFastifyApplication | undefined;
  const counter = new QueryCounter();
  beforeAll(async () => {
    const { db, engine, executeSql, pglite } = t.database;
    app = await createTestApp(
      new Database(db.withPlugin(counter), engine, executeSql, pglite),
      overrides(),
    );
  });
  afterAll(async () => {
    await app?.close();
  });
  return {
    get app() {
      if (!app) throw new Error('The test app is created in beforeAll');
      return app;
    },
    queries: () => counter.count,
  };
}

class QueryCounter implements KyselyPlugin {
  count = 0;

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  /** Counted as they run: a statement compiled once (db/statement-cache.ts) runs many times. */
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.count++;
    return Promise.resolve(args.result);
  }
}
