import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import {
  chromiumAvailable,
  expectNoConsoleErrors,
  useBrowser,
  type BrowserSession,
} from './support/browser.js';
import { describeEachEngine } from './support/databases.js';
import { newUserTrack } from './support/factories.js';

const missingBrowser = !chromiumAvailable();
if (missingBrowser && process.env.CI)
  throw new Error('Chromium is missing: apt-get install -y chromium');

const exportFile = path.resolve(
  import.meta.dirname,
  'fixtures/spotify-export/StreamingHistory_music_1.json',
);

/** The page as it is now, at desktop and at phone width. */
async function screenshots(browser: BrowserSession, name: string) {
  await browser.screenshot(`${name}-1280`);
  await browser.page.setViewportSize({ width: 390, height: 844 });
  await browser.screenshot(`${name}-390`);
  await browser.page.setViewportSize({ width: 1280, height: 800 });
}

describeEachEngine('the playlists, import, Spotify and account pages', (t) => {
  if (missingBrowser) return;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'spotlib-web-pages-'));
  // no SPOTIFY_CLIENT_ID: Spotify is not configured
  const browser = useBrowser(
    () => t.database,
    () => ({ dataDir }),
  );
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  let me: number;
  beforeAll(async () => {
    me = (await browser.app.get(LocalUserService).get()).id;
    await newUserTrack(t.db, me, { name: 'Glacier Morning', artist: 'Ørjan Nilsen' });
    await newUserTrack(t.db, me, { name: 'Glacier Night', artist: 'Björk' });
  });

  it('imports an export file through the page and shows the summary', async () => {
    const { page } = browser;
    await page.goto(`${browser.origin}/import`);
    await page.getByRole('heading', { level: 1, name: 'Import your Spotify history' }).waitFor();
    await page.getByLabel('Choose export files').setInputFiles(exportFile);
    await page.getByText('StreamingHistory_music_1.json').waitFor();
    await page.getByRole('button', { name: 'Import this file' }).click();

    await page.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 30_000 });
    const count = (label: string) =>
      page.locator('.counts div', { has: page.getByText(label, { exact: true }) }).locator('dd');
    expect(await count('Files').textContent()).toBe('1');
    expect(Number(await count('Rows read').textContent())).toBeGreaterThan(0);
    expect(Number(await count('Plays added').textContent())).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByRole('cell', { name: /StreamingHistory_music_1\.json$/ }).count())
      .toBe(1);
    await screenshots(browser, 'import-summary');
    expectNoConsoleErrors(browser);
  });

  it('creates a playlist, adds tracks from the library and reorders them by keyboard', async () => {
    const { page } = browser;
    await page.goto(`${browser.origin}/playlists`);
    await page.getByLabel('New playlist name').fill('Road trip');
    await page.getByRole('button', { name: 'Create playlist' }).click();
    await page.getByRole('link', { name: 'Road trip' }).click();
    await page.getByRole('heading', { level: 1, name: 'Road trip' }).waitFor();

    await page.getByLabel('Search the library').fill('glacier');
    for (const name of ['Glacier Morning', 'Glacier Night']) {
      await page.getByRole('button', { name: `Add ${name}` }).click();
      await page
        .getByRole('list', { name: 'Tracks in this playlist' })
        .getByText(name, { exact: true })
        .waitFor();
    }
    const tracks = page.getByRole('list', { name: 'Tracks in this playlist' });
    const order = () => tracks.locator('.entry-name').allTextContents();
    await expect.poll(order).toEqual(['Glacier Morning', 'Glacier Night']);

    // Alt+↓ on the first row's focused control moves it down, and focus follows it
    await page.getByRole('button', { name: 'Move Glacier Morning down' }).focus();
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(order).toEqual(['Glacier Night', 'Glacier Morning']);
    await expect
      .poll(() => page.locator(':focus').getAttribute('aria-label'))
      .toBe('Move Glacier Morning down');
    // the Move up button by keyboard (Enter) puts it back
    await page.getByRole('button', { name: 'Move Glacier Morning up' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(order).toEqual(['Glacier Morning', 'Glacier Night']);
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(order).toEqual(['Glacier Night', 'Glacier Morning']);

    // a pointer drag by the handle: Glacier Morning (now second) back above Glacier Night
    const handle = tracks.locator('.entry', { hasText: 'Glacier Morning' }).locator('.drag-handle');
    const box = (await handle.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y - 40, { steps: 5 });
    await page.mouse.up();
    await expect.poll(order).toEqual(['Glacier Morning', 'Glacier Night']);
    await page.getByRole('button', { name: 'Move Glacier Morning down' }).focus();
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(order).toEqual(['Glacier Night', 'Glacier Morning']);

    // the server has the new order
    const playlists = await browser.app.inject({ method: 'GET', url: '/api/playlists' });
    const road = playlists
      .json<{ items: { id: number; name: string; trackCount: number }[] }>()
      .items.find((p) => p.name === 'Road trip')!;
    expect(road.trackCount).toBe(2);
    const entries = await browser.app.inject({
      method: 'GET',
      url: `/api/playlists/${road.id}/tracks`,
    });
    expect(entries.json<{ items: { name: string }[] }>().items.map((e) => e.name)).toEqual([
      'Glacier Night',
      'Glacier Morning',
    ]);
    await screenshots(browser, 'playlist');
    await page.goto(`${browser.origin}/playlists`);
    await page.getByText('2 tracks').waitFor();
    await screenshots(browser, 'playlists');

    // rename, then delete after confirming
    await page.getByLabel('New playlist name').fill('Scratch');
    await page.getByRole('button', { name: 'Create playlist' }).click();
    await page.getByRole('button', { name: 'Rename Scratch' }).click();
    await page.getByLabel('New name for Scratch').fill('Scratch pad');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Delete Scratch pad' }).click();
    await page.getByRole('button', { name: 'Delete playlist' }).click();
    await expect.poll(() => page.getByRole('link', { name: /Scratch/ }).count()).toBe(0);
    await page.getByRole('link', { name: 'Road trip' }).waitFor();
    expectNoConsoleErrors(browser);
  });

  it('creates an API token, shows it once and lists it, with the ListenBrainz URL', async () => {
    const { page } = browser;
    await page.goto(`${browser.origin}/account`);
    await page.getByRole('heading', { level: 1, name: 'Account' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'ListenBrainz server URL' }).inputValue()).toBe(
      `${browser.origin}/api/listenbrainz`,
    );
    await page.getByLabel('Token name').fill('Phone scrobbler');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await page.getByRole('textbox', { name: 'New API token' }).inputValue();
    expect(token.length).toBeGreaterThan(20);
    const listed = page.getByRole('list', { name: 'Your API tokens' });
    await listed.getByText('Phone scrobbler').waitFor();
    await listed.getByText(`…${token.slice(-4)}`).waitFor();
    await page.getByLabel('Time zone').waitFor();
    await screenshots(browser, 'account');

    // the token works as a scrobbler's
    const validate = await browser.app.inject({
      method: 'GET',
      url: '/api/listenbrainz/1/validate-token',
      headers: { authorization: `Token ${token}` },
    });
    expect(validate.json()).toMatchObject({ valid: true });
    expectNoConsoleErrors(browser);
  });

  it('shows Spotify as not connected when it is not configured', async () => {
    const { page } = browser;
    await page.goto(`${browser.origin}/spotify`);
    await page.getByRole('heading', { level: 1, name: 'Spotify' }).waitFor();
    await page.getByText('Not connected.').waitFor();
    await page.getByRole('button', { name: 'Connect Spotify' }).waitFor();
    await screenshots(browser, 'spotify');
    expectNoConsoleErrors(browser);
  });
});
