import { expect, it } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { chromiumAvailable, expectNoConsoleErrors, useBrowser } from './support/browser.js';
import { describeEachEngine } from './support/databases.js';

const missingBrowser = !chromiumAvailable();
if (missingBrowser && process.env.CI)
  throw new Error('Chromium is missing: apt-get install -y chromium');

/** "Try demo data" on an empty library: into the demo profile, and out of it in one click. */
describeEachEngine('demo data in the web app', (t) => {
  if (missingBrowser) return;
  const browser = useBrowser(() => t.database);

  const ownTracks = async () => {
    const local = await browser.app.get(LocalUserService).get();
    const row = await t.db
      .selectFrom('user_track')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', local.id)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  it('shows demo data under a banner, leaves it, comes back, and removes it', async () => {
    const { page } = browser;
    await page.goto(browser.origin);
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    await page.getByRole('button', { name: 'Try demo data' }).click();

    const banner = page.getByRole('complementary', { name: 'Demo data' });
    await banner.getByText('You are looking at demo data').waitFor();
    const rows = page.getByRole('table', { name: 'Tracks' }).getByRole('rowgroup').nth(1);
    await rows.getByRole('row').first().waitFor();
    await browser.screenshot('demo-library');
    expect(await ownTracks()).toBe(0);

    // a reload stays in the demo (the token is kept for the tab)
    await page.reload();
    await banner.waitFor();
    await rows.getByRole('row').first().waitFor();

    // the banner follows to other pages
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link').nth(1).click();
    await banner.waitFor();

    await banner.getByRole('button', { name: 'Leave demo' }).click();
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    expect(await banner.count()).toBe(0);

    // back in: the same profile, made no second time
    const demo = await browser.app.inject({ method: 'GET', url: '/api/demo' });
    expect(demo.json()).toMatchObject({ demo: { username: expect.any(String) } });
    await page.getByRole('button', { name: 'Try demo data' }).click();
    await banner.getByRole('button', { name: 'Remove demo data' }).click();
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    expect(await banner.count()).toBe(0);
    expect((await browser.app.inject({ method: 'GET', url: '/api/demo' })).json()).toEqual({
      demo: null,
    });
    await browser.screenshot('demo-removed');
    expectNoConsoleErrors(browser);
  });

  it('fits a phone: the banner’s buttons work at 390 px, by keyboard', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(browser.origin);
    await page.getByRole('button', { name: 'Try demo data' }).click();
    const banner = page.getByRole('complementary', { name: 'Demo data' });
    await banner.getByRole('button', { name: 'Remove demo data' }).waitFor();
    await browser.screenshot('demo-banner-390');
    // by keyboard
    await banner.getByRole('button', { name: 'Remove demo data' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });
    expectNoConsoleErrors(browser);
  });
});
