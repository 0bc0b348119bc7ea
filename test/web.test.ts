import { expect, it } from 'vitest';
import { chromiumAvailable, expectNoConsoleErrors, useBrowser } from './support/browser.js';
import { describeEachEngine } from './support/databases.js';

const missingBrowser = !chromiumAvailable();
if (missingBrowser && process.env.CI)
  throw new Error('Chromium is missing: apt-get install -y chromium');

describeEachEngine('the web app', (t) => {
  if (missingBrowser) return;
  const browser = useBrowser(() => t.database);

  it('is served at / and every page of the navigation opens without a console error', async () => {
    const { page } = browser;
    const response = await page.goto(browser.origin);
    expect(response?.status()).toBe(200);
    const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
    await links.first().waitFor();
    const paths = await Promise.all((await links.all()).map((link) => link.getAttribute('href')));
    expect(paths.length).toBeGreaterThanOrEqual(8);
    for (const [index, path] of paths.map(String).entries()) {
      await links.nth(index).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe(path);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await browser.screenshot(`page${path === '/' ? '-library' : path.replaceAll('/', '-')}`);
    }
    expectNoConsoleErrors(browser);
  });

  it('answers a page path with the app, and an unknown API path with a JSON 404', async () => {
    const deepLink = await fetch(`${browser.origin}/stats`);
    expect(deepLink.status).toBe(200);
    expect(await deepLink.text()).toMatch(/<div id="root">/);
    const unknown = await fetch(`${browser.origin}/api/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'not_found' });
  });
});
