/** What the global setup hands to every test file (vitest provide / inject). */
export interface TestEnvironment {
  /** A migrated PGlite database, dumped: each test file starts from a copy. */
  pgliteTemplatePath: string;
  /** The PostgreSQL server and a migrated template database on it, or null if unreachable. */
  postgres: { url: string; template: string } | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testEnvironment: TestEnvironment;
  }
}

export const TEST_DATABASE_PREFIX = 'spotlib_test_';
export const TEST_HOT_MONTHS = 6;
export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The URL of another database on the same server. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export { LATEST_MIGRATION } from '../../src/db/migrations/index.js';
