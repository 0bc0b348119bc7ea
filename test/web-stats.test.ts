import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { CatalogService } from '../src/catalog/catalog.service.js';
import { PlayRecorder } from '../src/history/play-recorder.service.js';
import { chromiumAvailable, expectNoConsoleErrors, useBrowser } from './support/browser.js';
import { describeEachEngine } from './support/databases.js';

const missingBrowser = !chromiumAvailable();
if (missingBrowser && process.env.CI)
  throw new Error('Chromium is missing: apt-get install -y chromium');

const DAY = 86_400_000;
const TRACKS = {
  teardrop: { spotifyId: 'wTeardrop', artistName: 'Massive Attack', trackName: 'Teardrop' },
  angel: { spotifyId: 'wAngel', artistName: 'Massive Attack', trackName: 'Angel' },
  roads: { spotifyId: 'wRoads', artistName: 'Portishead', trackName: 'Roads' },
};
type Name = keyof typeof TRACKS;

/**
 * A small known history: Portishead leads all time with 5 plays a year and a
 * half ago; Massive Attack leads the last 30 days with 3 recent plays.
 */
const PLAYS: [Name, number][] = [
  ['teardrop', 2 * DAY],
  ['teardrop', 2 * DAY + 3_600_000],
  ['angel', 3 * DAY],
  ...[0, 1, 2, 3, 4].map((i): [Name, number] => ['roads', 500 * DAY + i * 3_600_000]),
];

describeEachEngine('the statistics and history pages', (t) => {
  if (missingBrowser) return;
  const browser = useBrowser(() => t.database);

  beforeAll(async () => {
    const { app, page } = browser;
    // the charts draw their final bars at once, for the screenshots
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const me = await app.get(LocalUserService).get();
    const zone = await app.inject({
      method: 'PATCH',
      url: '/api/me/settings',
      payload: { timeZone: 'Europe/Berlin' },
    });
    expect(zone.statusCode).toBe(200);
    const names = Object.keys(TRACKS) as Name[];
    const { trackIds } = await app
      .get(CatalogService)
      .resolveTracks(names.map((name) => TRACKS[name]));
    const now = Date.now();
    await app.get(PlayRecorder).record(
      me.id,
      PLAYS.map(([name, ago]) => ({
        trackId: trackIds[names.indexOf(name)]!,
        playedAt: new Date(now - ago),
        msPlayed: 200_000,
        source: 'spotify_export' as const,
      })),
    );
  });

  const topArtist = (page: Page) =>
    page.getByRole('region', { name: 'Top artists' }).getByRole('listitem').first();

  it('shows the top artists of a period, its chart and heatmap, and keeps the period in the URL', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${browser.origin}/stats`);
    await expect.poll(() => topArtist(page).textContent()).toMatch(/Portishead.*5 plays/);
    await page
      .getByRole('region', { name: 'Listening over time' })
      .locator('svg')
      .first()
      .waitFor();
    await expect
      .poll(() => page.getByRole('region', { name: 'Listening over time' }).textContent())
      .toMatch(/8 plays/);
    await page.getByRole('table', { name: /Plays by weekday and hour/ }).waitFor();
    await browser.screenshot('stats-all-time-1280');

    await page.getByLabel('Period').selectOption('30d');
    await expect.poll(() => new URL(page.url()).searchParams.get('period')).toBe('30d');
    await expect.poll(() => topArtist(page).textContent()).toMatch(/Massive Attack.*3 plays/);
    const artists = page.getByRole('region', { name: 'Top artists' }).getByRole('listitem');
    expect(await artists.count()).toBe(1);
    // a bar (and a table row) for each of the 30 days, the silent ones too
    const days = page.getByRole('table', { name: 'Plays per day', includeHidden: true });
    expect(await days.locator('tbody tr').count()).toBe(30);

    await page.getByRole('radio', { name: 'Listening time' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('by')).toBe('time');
    await page.reload();
    await expect.poll(() => topArtist(page).textContent()).toMatch(/Massive Attack.*10 min/);
    expect(await page.getByLabel('Period').inputValue()).toBe('30d');
    expect(await page.getByRole('radio', { name: 'Listening time' }).isChecked()).toBe(true);
    await browser.screenshot('stats-30-days-1280');

    await page.goto(`${browser.origin}/stats?period=custom&from=2024-03-01&to=2024-02-01`);
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('From must not be after To.');
    expectNoConsoleErrors(browser);
  });

  it('opens an artist page from the dashboard, and says when an artist is not found', async () => {
    const { page } = browser;
    await page.goto(`${browser.origin}/stats`);
    await topArtist(page).getByRole('link', { name: 'Portishead' }).click();
    await expect.poll(() => page.url()).toMatch(/\/stats\/artists\/\d+$/);
    await page.getByRole('heading', { level: 1, name: 'Portishead' }).waitFor();
    const figure = (term: string) =>
      page.locator('.entity-figures div', { has: page.getByText(term, { exact: true }) });
    expect(await figure('Plays').locator('dd').textContent()).toBe('5');
    expect(await figure('Rank').locator('dd').textContent()).toBe('#1 of your artists');
    await page.getByRole('region', { name: 'Plays per month' }).locator('svg').first().waitFor();
    await browser.screenshot('stats-artist-1280');

    await page.goto(`${browser.origin}/stats/artists/987654`);
    await page.getByRole('heading', { level: 1, name: 'Artist not found' }).waitFor();
    // the API's 404, which Chromium logs itself; nothing else
    expect(browser.consoleErrors.splice(0)).toEqual([
      'Failed to load resource: the server responded with a status of 404 (Not Found)',
    ]);
    await page.goto(`${browser.origin}/stats/tracks/not-a-number`);
    await page.getByRole('heading', { level: 1, name: 'Track not found' }).waitFor();
    expectNoConsoleErrors(browser);
  });

  it('lists the plays newest first in the history, and opens a track from it', async () => {
    const { page } = browser;
    await page.goto(`${browser.origin}/history`);
    const table = page.getByRole('table', { name: /plays shown/ });
    await table.waitFor();
    const rows = table.locator('tbody tr:not(.play-day)');
    expect(await rows.count()).toBe(PLAYS.length);
    expect(await rows.first().textContent()).toMatch(
      /Teardrop.*Massive Attack.*Spotify export.*3:20/,
    );
    expect(await rows.last().textContent()).toMatch(/Roads.*Portishead/);
    expect(await page.getByText('That is every play.').isVisible()).toBe(true);
    await browser.screenshot('history-1280');

    await rows.first().getByRole('link', { name: 'Teardrop' }).click();
    await page.getByRole('heading', { level: 1, name: 'Teardrop' }).waitFor();
    await page.getByRole('link', { name: 'Massive Attack' }).waitFor();
    await browser.screenshot('stats-track-1280');
    expectNoConsoleErrors(browser);
  });

  it('fits a 390 px wide screen', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 844 });
    const fits = async () =>
      (await page.evaluate<number>('document.documentElement.scrollWidth')) <= 390;
    const yearOfRecentPlays = new Date(Date.now() - 2 * DAY).getUTCFullYear();
    await page.goto(`${browser.origin}/stats?period=year&year=${yearOfRecentPlays}`);
    await page.getByLabel('Year').waitFor();
    await page.getByRole('region', { name: 'Top artists' }).getByRole('listitem').first().waitFor();
    expect(await fits()).toBe(true);
    await browser.screenshot('stats-390');
    await page.goto(`${browser.origin}/history`);
    await page.getByRole('table', { name: /plays shown/ }).waitFor();
    expect(await fits()).toBe(true);
    await browser.screenshot('history-390');
    await page.setViewportSize({ width: 1280, height: 800 });
    expectNoConsoleErrors(browser);
  });
});
