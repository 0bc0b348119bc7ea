import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectSources } from './import-sources.js';

const folder = mkdtempSync(path.join(tmpdir(), 'spotlib-sources-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('collectSources', () => {
  it('puts the account data after every other file, however its files are named', async () => {
    const names = [
      'Spotify Account Data/StreamingHistory_music_0.json',
      'Spotify Account Data/StreamingHistory_music_1.json',
      'Spotify Extended Streaming History/Streaming_History_Audio_2023.json',
      '0-StreamingHistory0.json', // an upload, numbered
      '1-endsong_0.json',
    ];
    for (const name of names) {
      mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
      writeFileSync(path.join(folder, name), '[]');
    }
    const found = await collectSources([folder]);
    found.close();
    expect(found.sources.map((s) => path.relative(folder, s.name))).toEqual([
      '1-endsong_0.json',
      'Spotify Extended Streaming History/Streaming_History_Audio_2023.json',
      '0-StreamingHistory0.json',
      'Spotify Account Data/StreamingHistory_music_0.json',
      'Spotify Account Data/StreamingHistory_music_1.json',
    ]);
  });
});
