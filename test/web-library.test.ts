import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { chromiumAvailable, expectNoConsoleErrors, useBrowser } from './support/browser.js';
import { describeEachEngine } from './support/databases.js';
import { newUserTrack } from './support/factories.js';

const missingBrowser = !chromiumAvailable();
if (missingBrowser && process.env.CI)
  throw new Error('Chromium is missing: apt-get install -y chromium');

interface TrackJson {
  id: number;
  name: string;
  rating: number | null;
  tags: { id: number; name: string }[];
}

const SONGS = 297;

/** The scroller as the browser has it (the tests are compiled without the DOM's types). */
interface Scrollable {
  scrollHeight: number;
  scrollTo(options: { top: number }): void;
}

describeEachEngine('the library page', (t) => {
  if (missingBrowser) return;
  const browser = useBrowser(() => t.database);

  /** The API as the page sees it (local mode: no sign-in). */
  async function apiGet<T>(url: string): Promise<T> {
    const response = await browser.app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(200);
    return response.json<T>();
  }

  const table = (page: Page) => page.getByRole('table', { name: 'Tracks' });
  /** The rendered track rows (the header row is in the first row group). */
  const trackRows = (page: Page): Locator =>
    table(page).getByRole('rowgroup').nth(1).getByRole('row');
  const firstTitle = (page: Page) => trackRows(page).first().locator('.track-name').textContent();

  it('explains the three ways in when the library is empty', async () => {
    const { page } = browser;
    await page.goto(browser.origin);
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    expect(
      await page.getByRole('link', { name: 'Import your Spotify export' }).getAttribute('href'),
    ).toBe('/import');
    expect(await page.getByRole('link', { name: 'Connect Spotify' }).getAttribute('href')).toBe(
      '/spotify',
    );
    // the third way in (test/web-demo.test.ts takes it)
    await page.getByRole('button', { name: 'Try demo data' }).waitFor();
    await browser.screenshot('library-first-run');
  });

  it('lists, sorts, searches, rates and tags ~300 tracks', async () => {
    const user = await browser.app.get(LocalUserService).get();
    for (let i = 1; i <= SONGS; i++) {
      const track = await newUserTrack(t.db, user.id, {
        name: `Song ${String(i).padStart(3, '0')}`,
        artist: `Band ${i % 40}`,
        durationMs: 120_000 + i * 1000,
      });
      if (i % 3 === 0) {
        await t.db
          .updateTable('user_track_stats')
          .set({ play_count: i, last_played_at: new Date(Date.UTC(2024, 0, 1 + (i % 300))) })
          .where('user_track_id', '=', track.id)
          .execute();
      }
    }
    for (const name of ['Jóga', 'Hyperballad', 'Army of Me']) {
      await newUserTrack(t.db, user.id, { name, artist: 'Björk', album: 'Homogenic' });
    }

    const { page } = browser;
    await page.goto(browser.origin);
    await trackRows(page).first().waitFor();
    // only what the scroller shows is drawn
    expect(await trackRows(page).count()).toBeLessThan(60);
    await browser.screenshot('library');

    // sort by title: A→Z first, then Enter flips it
    const titleHeader = table(page).getByRole('columnheader', { name: 'Title' });
    await titleHeader.getByRole('button').click();
    await expect.poll(() => titleHeader.getAttribute('aria-sort')).toBe('ascending');
    await expect.poll(() => firstTitle(page)).toBe('Army of Me');
    await titleHeader.getByRole('button').press('Enter');
    await expect.poll(() => titleHeader.getAttribute('aria-sort')).toBe('descending');
    await expect.poll(() => firstTitle(page)).toBe('Song 297');
    expect(new URL(page.url()).search).toBe('?sort=name&order=desc');

    // the whole library scrolls in, page after page
    const scroller = page.locator('.track-scroller');
    await expect
      .poll(
        async () => {
          await scroller.evaluate((el: Scrollable) => el.scrollTo({ top: el.scrollHeight }));
          return trackRows(page).last().getAttribute('aria-rowindex');
        },
        { timeout: 20_000 },
      )
      .toBe(String(SONGS + 3 + 1));
    expect(await trackRows(page).last().locator('.track-name').textContent()).toBe('Army of Me');
    expect(await trackRows(page).count()).toBeLessThan(60);

    // search ignores case and accents, and the URL keeps it over a reload
    await page.getByRole('searchbox', { name: 'Search tracks' }).fill('JOGA');
    await expect.poll(() => trackRows(page).count()).toBe(1);
    expect(await firstTitle(page)).toBe('Jóga');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('JOGA');
    await page.reload();
    await expect.poll(() => trackRows(page).count()).toBe(1);
    expect(await page.getByRole('searchbox', { name: 'Search tracks' }).inputValue()).toBe('JOGA');

    // rate with the keyboard: seven half stars
    await page.getByRole('searchbox', { name: 'Search tracks' }).fill('bjork');
    await expect.poll(() => trackRows(page).count()).toBe(3);
    const rating = page.getByRole('slider', { name: 'Rating of Jóga' });
    await rating.focus();
    for (let i = 0; i < 7; i++) await rating.press('ArrowRight');
    // the list draws the new rating once its optimistic update has run
    await expect.poll(() => rating.getAttribute('aria-valuetext')).toBe('3.5 stars');
    const rated = async () =>
      (await apiGet<{ items: TrackJson[] }>('/api/tracks?q=joga')).items[0]?.rating;
    await expect.poll(rated).toBe(3.5);
    await rating.press('Backspace');
    await expect.poll(rated).toBe(null);
    await rating.press('4');
    await expect.poll(rated).toBe(4);

    // select a range with Shift, create a tag inline and tag the selection
    await page.getByRole('checkbox', { name: 'Select Jóga' }).click();
    await page.getByRole('checkbox', { name: 'Select Army of Me' }).click({ modifiers: ['Shift'] });
    expect(await page.getByRole('checkbox', { name: 'Select Hyperballad' }).isChecked()).toBe(true);
    const selectionBar = page.getByRole('region', { name: 'Selection' });
    await selectionBar.getByText('3 selected').waitFor();
    await selectionBar.getByRole('textbox', { name: 'New tag' }).fill('Björk faves');
    await selectionBar.getByRole('button', { name: 'Create tag' }).click();
    await expect
      .poll(() => selectionBar.getByRole('combobox', { name: 'Tag to apply' }).inputValue())
      .not.toBe('');
    await selectionBar.getByRole('button', { name: 'Add tag' }).click();
    await selectionBar.getByRole('status').getByText('Tagged 3 tracks “Björk faves”.').waitFor();
    await page
      .getByRole('list', { name: 'Tags of Hyperballad' })
      .getByText('Björk faves')
      .waitFor();
    const { items: tags } = await apiGet<{ items: { id: number; name: string }[] }>('/api/tags');
    const faves = tags.find((tag) => tag.name === 'Björk faves');
    expect(faves).toBeDefined();
    const tagged = await apiGet<{ items: TrackJson[] }>(
      `/api/tracks?tag=${faves!.id}&sort=name&order=asc`,
    );
    expect(tagged.items.map((track) => track.name)).toEqual(['Army of Me', 'Hyperballad', 'Jóga']);
    await browser.screenshot('library-tagged');

    // the tag filter, from the URL
    await page.goto(`${browser.origin}/?tag=${faves!.id}`);
    await expect.poll(() => trackRows(page).count()).toBe(3);
    // the select shows the tag once the tag list arrives, which may be after the tracks
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Tag', exact: true }).inputValue())
      .toBe(String(faves!.id));

    // a phone's width: the title, its byline and the rating remain
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(browser.origin);
    await trackRows(page).first().waitFor();
    expect(await page.getByRole('combobox', { name: 'Sort by' }).isVisible()).toBe(true);
    expect(await trackRows(page).first().getByRole('slider').isVisible()).toBe(true);
    await browser.screenshot('library-390');
    await page.setViewportSize({ width: 1280, height: 800 });

    expectNoConsoleErrors(browser);
  });
});
