import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { chromiumAvailable, useBrowser } from './support/browser.js';
import { describeEachEngine } from './support/databases.js';
import { newUserTrack } from './support/factories.js';

const missingBrowser = !chromiumAvailable();
if (missingBrowser && process.env.CI)
  throw new Error('Chromium is missing: apt-get install -y chromium');

const REFUSED = 'Failed to load resource: the server responded with a status of 400 (Bad Request)';
const NSP_FIXTURES = path.resolve(import.meta.dirname, 'fixtures/navidrome-nsp');

/** A small library: stars and plays decide which tracks the playlist built below holds. */
const LIBRARY = [
  { name: 'Harbour Lights', stars: 5, plays: 12 },
  { name: 'Night Drive', stars: 4.5, plays: 3 },
  { name: 'Paper Planes', stars: 4, plays: 0 },
  { name: 'Quiet Room', stars: 2, plays: 20 },
  { name: 'Unrated Song', stars: null, plays: 5 },
];
/** rated 4 stars or more and played at least once */
const EXPECTED = ['Harbour Lights', 'Night Drive'];

describeEachEngine('smart playlists in the browser', (t) => {
  if (missingBrowser) return;
  const browser = useBrowser(() => t.database);

  beforeAll(async () => {
    const me = (await browser.app.get(LocalUserService).get()).id;
    for (const track of LIBRARY) {
      const row = await newUserTrack(t.db, me, { name: track.name, artist: 'The Testers' });
      await t.db
        .updateTable('user_track')
        .set({ rating: track.stars === null ? null : track.stars * 2 })
        .where('id', '=', row.id)
        .execute();
      await t.db
        .updateTable('user_track_stats')
        .set({ play_count: track.plays, last_played_at: track.plays > 0 ? new Date() : null })
        .where('user_track_id', '=', row.id)
        .execute();
    }
  });

  /** Chromium logs every refused request; the page itself must log nothing. */
  const expectConsoleErrors = (expected: string[]) => {
    expect(browser.consoleErrors).toEqual(expected);
    browser.consoleErrors.length = 0;
  };

  const previewStatus = () =>
    browser.page.getByRole('region', { name: 'Preview' }).getByRole('status');
  const previewTitles = () =>
    browser.page
      .getByRole('table', { name: 'Matching tracks' })
      .locator('tbody tr td:first-child')
      .allTextContents()
      .then((titles) => titles.sort());

  it('builds a two-rule playlist with a live count, saves it and opens it again', async () => {
    const { page } = browser;
    await page.goto(`${browser.origin}/smart`);
    await page.getByRole('heading', { level: 1, name: 'Smart playlists' }).waitFor();
    await page.getByText('No smart playlists yet').waitFor();
    await page.getByRole('link', { name: 'New smart playlist' }).click();
    await page.getByRole('heading', { level: 1, name: 'New smart playlist' }).waitFor();

    await page.getByLabel('Name', { exact: true }).fill('Loved and played');
    await page.getByLabel('Rule 1 field').selectOption('RATING');
    await page.getByLabel('Rule 1 operator').selectOption('GREATER_EQUAL');
    await page.getByLabel('Rule 1 value').selectOption('4');
    await expect.poll(() => previewStatus().textContent()).toMatch(/^3 tracks/);

    await page.getByRole('button', { name: 'Add rule', exact: true }).click();
    await page.getByLabel('Rule 2 field').selectOption('PLAY_COUNT');
    await page.getByLabel('Rule 2 operator').selectOption('GREATER_EQUAL');

    // a value the server refuses: its message at rule 2, and nowhere else
    await page.getByLabel('Rule 2 value').fill('-1');
    const rule2 = page.getByRole('group', { name: 'Rule 2' });
    await expect.poll(() => rule2.getByRole('alert').textContent()).toBe('Plays is at least 0');
    expect(await page.getByRole('group', { name: 'Rule 1' }).getByRole('alert').count()).toBe(0);
    await browser.screenshot('smart-editor-invalid-rule');

    await page.getByLabel('Rule 2 value').fill('1');
    await expect.poll(() => previewStatus().textContent()).toMatch(/^2 tracks · 7 min$/);
    await expect.poll(previewTitles).toEqual(EXPECTED);
    expect(await rule2.getByRole('alert').count()).toBe(0);
    await browser.screenshot('smart-editor');

    // the count the page shows is the API's for the same rules
    const api = await browser.app.inject({
      method: 'POST',
      url: '/api/smart-playlists/preview',
      payload: {
        match: 'all',
        rules: [
          { field: 'RATING', operator: 'GREATER_EQUAL', value: 4 },
          { field: 'PLAY_COUNT', operator: 'GREATER_EQUAL', value: 1 },
        ],
      },
    });
    expect(api.json<{ count: number }>().count).toBe(2);

    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/smart\/\d+$/);
    await page.getByRole('heading', { level: 1, name: 'Loved and played' }).waitFor();
    await page.getByText('2 tracks at the last refresh').waitFor();

    // at a phone's width: everything reachable, nothing wider than the screen
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      390,
    );
    await browser.screenshot('smart-editor-390');
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByRole('link', { name: '← All smart playlists' }).click();
    const item = page.getByRole('list', { name: 'Your smart playlists' }).getByRole('listitem');
    await expect.poll(() => item.textContent()).toMatch(/Loved and played.*2 tracks · refreshed/);
    await browser.screenshot('smart-list');

    await page.getByRole('link', { name: 'Loved and played' }).click();
    await page.getByRole('heading', { level: 1, name: 'Loved and played' }).waitFor();
    expect(await page.getByLabel('Rule 1 field').inputValue()).toBe('RATING');
    expect(await page.getByLabel('Rule 1 value').inputValue()).toBe('4');
    expect(await page.getByLabel('Rule 2 field').inputValue()).toBe('PLAY_COUNT');
    expect(await page.getByLabel('Rule 2 operator').inputValue()).toBe('GREATER_EQUAL');
    expect(await page.getByLabel('Rule 2 value').inputValue()).toBe('1');
    await expect.poll(previewTitles).toEqual(EXPECTED);

    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByText('Refreshed: 2 tracks.').waitFor();

    // the one request the server refused (rule 2's -1), and no other error
    expectConsoleErrors([REFUSED]);
  });

  it('imports a Navidrome .nsp file through the page, and names the problems of a broken one', async () => {
    const { page } = browser;
    await page.goto(`${browser.origin}/smart`);
    const file = page.getByLabel('Import a Navidrome .nsp file');

    // a file Spotlib cannot read as Navidrome does: refused, every problem named
    await file.setInputFiles(path.join(NSP_FIXTURES, 'genres_and_artists.nsp'));
    const refusal = page.getByRole('alert');
    await expect.poll(() => refusal.textContent()).toMatch(/^This file cannot be imported:/);
    expect(await refusal.getByRole('listitem').allTextContents()).toEqual([
      '(root): both all and any at the top level (invalid in Navidrome)',
      'all[0].gt.bpm: field "bpm" has no Spotlib equivalent',
    ]);
    await browser.screenshot('smart-import-nsp-refused');

    // a file that maps but for its second sort key, which is listed
    await file.setInputFiles(path.join(NSP_FIXTURES, 'nested_favourites.nsp'));
    await page
      .getByText(/^Imported Loved or highly rated, not heard lately with \d+ tracks?\./)
      .waitFor();
    await page.getByText('Left out, as Spotlib has no equivalent:').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await browser.screenshot('smart-import-nsp');

    await page
      .getByRole('link', { name: 'Loved or highly rated, not heard lately' })
      .last()
      .click();
    await page
      .getByRole('heading', { level: 1, name: 'Loved or highly rated, not heard lately' })
      .waitFor();
    expect(await page.getByLabel('Group 1 match').inputValue()).toBe('any');
    expect(await page.getByLabel('Rule 1.1 field').inputValue()).toBe('LIKED');
    expect(await page.getByLabel('Rule 3 from').inputValue()).toBe('2:00');
    expect(await page.getByLabel('Rule 3 to').inputValue()).toBe('7:00');
    expect(await page.getByLabel('Limit', { exact: true }).inputValue()).toBe('50');
    expect(await page.getByLabel('Selected by').inputValue()).toBe('most_played');
    await page
      .getByRole('region', { name: 'Preview' })
      .getByRole('status')
      .getByText(/tracks?|No tracks/)
      .waitFor();
    await browser.screenshot('smart-editor-imported');

    // deleted from the list, after a confirmation
    await page.getByRole('link', { name: '← All smart playlists' }).click();
    await page
      .getByRole('button', { name: 'Delete Loved or highly rated, not heard lately' })
      .click();
    await page.getByRole('button', { name: 'Delete smart playlist' }).click();
    await page
      .getByRole('link', { name: 'Loved or highly rated, not heard lately' })
      .waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'Loved and played' }).waitFor();

    // the one request the server refused (the broken file), and no other error
    expectConsoleErrors([REFUSED]);
  });
});
