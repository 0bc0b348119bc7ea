import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { AppConfig } from '../../src/config/config.js';
import type { Database } from '../../src/db/database.js';
import { createTestApp } from './app.js';

/** Debian's Chromium: the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS_DIR = path.resolve(import.meta.dirname, '../../test-results/screenshots');

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export interface BrowserSession {
  readonly app: NestFastifyApplication;
  /** the server's origin, e.g. http://127.0.0.1:40123 */
  readonly origin: string;
  readonly page: Page;
  /** console errors and page errors seen so far */
  readonly consoleErrors: string[];
  screenshot(name: string): Promise<void>;
}

/**
 * A listening server on the test database and one Chromium page on it, for
 * a describe block. Console errors are collected for the test to assert on.
 */
export function useBrowser(
  database: () => Database,
  overrides: () => Partial<AppConfig> = () => ({}),
): BrowserSession {
  let app: NestFastifyApplication | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let origin = '';
  const consoleErrors: string[] = [];
  beforeAll(async () => {
    app = await createTestApp(database(), overrides());
    await app.listen({ host: '127.0.0.1', port: 0 });
    origin = await app.getUrl();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await mkdir(SCREENSHOTS_DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  return {
    get app() {
      if (!app) throw new Error('The app starts in beforeAll');
      return app;
    },
    get origin() {
      return origin;
    },
    get page() {
      if (!page) throw new Error('The browser starts in beforeAll');
      return page;
    },
    consoleErrors,
    async screenshot(name) {
      await page!.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
    },
  };
}

/** No console errors so far, showing them when there are. */
export function expectNoConsoleErrors(session: BrowserSession): void {
  expect(session.consoleErrors).toEqual([]);
}
