import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '../../src/common/logging/logger.js';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import type { Database } from '../../src/db/database.js';
import { createServer } from '../../src/server.js';
import type { TestDatabase } from './databases.js';

export function testConfig(database: Database, overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    ...loadConfig({}),
    engine: database.engine,
    jobsEnabled: false,
    logLevel: 'silent',
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

/** An app per describe block on its test database. */
export function useTestApp(t: TestDatabase): { readonly app: NestFastifyApplication } {
  let app: NestFastifyApplication | undefined;
  beforeAll(async () => {
    app = await createTestApp(t.database);
  });
  afterAll(async () => {
    await app?.close();
  });
  return {
    get app() {
      if (!app) throw new Error('The test app is created in beforeAll');
      return app;
    },
  };
}
