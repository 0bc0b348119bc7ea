import path from 'node:path';
import { expect, it } from 'vitest';
import {
  chromiumAvailable,
  expectNoConsoleErrors,
  useBrowser,
  type BrowserSession,
} from './support/browser.js';
import { describeEachEngine } from './support/databases.js';

const EXPORT_FILE = path.resolve(
  import.meta.dirname,
  'fixtures/spotify-export/Streaming_History_Audio_2022.json',
);
/** A track the fixture plays once for longer than the play threshold. */
const TRACK = 'Fight Song';
const TAG = 'Road trip';

const missingBrowser = !chromiumAvailable();

/**
 * The story on a fresh instance, through the pages only: import the
 * export, find a track, rate it, tag it, build a smart playlist that holds
 * it, and find it in the statistics.
 */
describeEachEngine('a first session in the web app', (t) => {
  if (missingBrowser) return;
  const browser = useBrowser(() => t.database);
  const api = <T>(url: string) =>
    browser.app.inject({ method: 'GET', url }).then((response) => response.json<T>());
  const trackRow = () => browser.page.getByRole('row').filter({ hasText: TRACK });

  it('imports the export through the page', async () => {
    const { page } = browser;
    await page.goto(browser.origin);
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    await browser.screenshot('journey-1-first-run');
    await page.getByRole('link', { name: 'Import your Spotify export' }).click();
    await page.getByLabel('Choose export files').setInputFiles(EXPORT_FILE);
    await page.getByRole('button', { name: 'Import this file' }).click();
    await page.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 60_000 });
    await browser.screenshot('journey-2-imported');
  });

  it('shows the imported tracks, and rates and tags one', async () => {
    const { page } = browser;
    await goToNav(browser, 'Library');
    await page.getByRole('searchbox', { name: 'Search tracks' }).fill(TRACK);
    await trackRow().first().waitFor();

    await page.getByRole('slider', { name: `Rating of ${TRACK}` }).focus();
    await page.keyboard.press('4');
    await expect.poll(async () => (await tracksNamed(api, TRACK))[0]?.rating).toBe(4);

    await page.getByRole('checkbox', { name: `Select ${TRACK}` }).check();
    const selection = page.getByRole('region', { name: 'Selection' });
    await selection.getByRole('textbox', { name: 'New tag' }).fill(TAG);
    await selection.getByRole('button', { name: 'Create tag' }).click();
    await selection.getByRole('button', { name: 'Add tag' }).click();
    await expect
      .poll(async () => (await tracksNamed(api, TRACK))[0]?.tags.map((tag) => tag.name))
      .toEqual([TAG]);
    await page
      .getByRole('list', { name: `Tags of ${TRACK}` })
      .getByText(TAG)
      .waitFor();
    await browser.screenshot('journey-3-rated-and-tagged');
  });

  it('builds a smart playlist that contains the track', async () => {
    const { page } = browser;
    await goToNav(browser, 'Smart playlists');
    await page.getByRole('link', { name: 'New smart playlist' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Four stars and up');
    await page.getByLabel('Rule 1 field').selectOption('RATING');
    await page.getByLabel('Rule 1 operator').selectOption('GREATER_EQUAL');
    await page.getByLabel('Rule 1 value').selectOption('4');
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByRole('table', { name: 'Matching tracks' }).getByText(TRACK).waitFor();
    await expect.poll(() => preview.getByRole('status').textContent()).toMatch(/^1 track/);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/smart\/\d+$/);
    const saved = await api<{ items: { name: string; trackCount: number }[] }>(
      '/api/smart-playlists',
    );
    expect(saved.items).toEqual([
      expect.objectContaining({ name: 'Four stars and up', trackCount: 1 }),
    ]);
    await browser.screenshot('journey-4-smart-playlist');
  });

  it('finds the track in the statistics', async () => {
    const { page } = browser;
    await goToNav(browser, 'Stats');
    const topTracks = page.getByRole('region', { name: 'Top tracks' });
    await topTracks.getByRole('listitem').filter({ hasText: TRACK }).first().waitFor();
    await browser.screenshot('journey-5-stats');
    expectNoConsoleErrors(browser);
  });
});

async function goToNav(browser: BrowserSession, name: string): Promise<void> {
  await browser.page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name, exact: true })
    .click();
  await browser.page.getByRole('heading', { level: 1 }).first().waitFor();
}

interface TrackItem {
  name: string;
  rating: number | null;
  tags: { name: string }[];
}

async function tracksNamed(
  api: <T>(url: string) => Promise<T>,
  name: string,
): Promise<TrackItem[]> {
  const page = await api<{ items: TrackItem[] }>(`/api/tracks?q=${encodeURIComponent(name)}`);
  return page.items.filter((item) => item.name === name);
}
