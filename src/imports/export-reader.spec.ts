import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  ExportFileError,
  readExportFile,
  type ExportEntry,
  type ExportFileKind,
} from './export-reader.js';

const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures/spotify-export');
const fixture = (name: string) => readFileSync(path.join(fixtures, name));

async function readAll(name: string, content: Buffer | string, chunkSize = 1024) {
  const buffer = Buffer.from(content);
  const chunks = Array.from({ length: Math.ceil(buffer.length / chunkSize) }, (_, i) =>
    buffer.subarray(i * chunkSize, (i + 1) * chunkSize),
  );
  let kind: ExportFileKind | null | undefined;
  const entries: ExportEntry[] = [];
  for await (const value of readExportFile(name, Readable.from(chunks))) {
    if (Array.isArray(value)) entries.push(...value);
    else kind = value;
  }
  return { kind, entries };
}

const countBy = (entries: ExportEntry[]) =>
  entries.reduce<Record<string, number>>((counts, e) => {
    counts[e.item.type] = (counts[e.item.type] ?? 0) + 1;
    return counts;
  }, {});

describe('readExportFile on real export files', () => {
  it('reads extended history: every row a play, in file order, at its end time', async () => {
    const raw = fixture('Streaming_History_Audio_2022.json');
    const rows = JSON.parse(raw.toString()) as {
      ts: string;
      ms_played: number;
      spotify_track_uri: string | null;
    }[];
    const { kind, entries } = await readAll('Streaming_History_Audio_2022.json', raw, 777);
    expect(kind).toBe('extended');
    expect(entries.map((e) => e.index)).toEqual(rows.map((_, i) => i));
    const plays = entries.flatMap((e) => (e.item.type === 'play' ? [e.item.play] : []));
    expect(plays).toHaveLength(rows.filter((r) => r.spotify_track_uri).length);
    expect(plays[0]).toMatchObject({
      endedAt: new Date(rows[0]!.ts),
      msPlayed: rows[0]!.ms_played,
      source: 'spotify_export',
      track: { spotifyId: rows[0]!.spotify_track_uri!.split(':')[2] },
    });
  });

  it('counts video and podcast rows as non-music', async () => {
    const raw = fixture('Streaming_History_Video_2026.json');
    const rows = JSON.parse(raw.toString()) as unknown[];
    const { kind, entries } = await readAll('Streaming_History_Video_2026.json', raw);
    expect(kind).toBe('extended');
    expect(countBy(entries)).toEqual({ non_music: rows.length });
  });

  it('reads account data at minute precision, without Spotify ids', async () => {
    const raw = fixture('StreamingHistory_music_1.json');
    const rows = JSON.parse(raw.toString()) as { endTime: string; artistName: string }[];
    const { kind, entries } = await readAll('StreamingHistory_music_1.json', raw);
    expect(kind).toBe('account_music');
    expect(entries).toHaveLength(rows.length);
    const first = entries[0]!.item;
    expect(first).toMatchObject({
      type: 'play',
      play: {
        endedAt: new Date(`${rows[0]!.endTime.replace(' ', 'T')}:00Z`),
        source: 'spotify_account_export',
        track: { artistName: rows[0]!.artistName },
      },
    });
    expect(first.type === 'play' && first.play.track.spotifyId).toBeUndefined();
  });

  it('reads the saved tracks of YourLibrary.json', async () => {
    const raw = fixture('YourLibrary.json');
    const library = JSON.parse(raw.toString()) as { tracks: { uri: string; track: string }[] };
    const { kind, entries } = await readAll('YourLibrary.json', raw);
    expect(kind).toBe('library');
    expect(entries).toHaveLength(library.tracks.length);
    expect(entries[0]!.item).toEqual({
      type: 'library_track',
      track: expect.objectContaining({
        spotifyId: library.tracks[0]!.uri.split(':')[2],
        trackName: library.tracks[0]!.track,
      }),
    });
  });
});

describe('readExportFile on bad input', () => {
  it('names the file, row and byte where a truncated file breaks, after the rows before it', async () => {
    const raw = fixture('Streaming_History_Audio_2022.json');
    const cut = raw.subarray(0, Math.floor(raw.length / 2));
    const entries: ExportEntry[] = [];
    const reading = (async () => {
      for await (const value of readExportFile('cut.json', Readable.from([cut]))) {
        if (Array.isArray(value)) entries.push(...value);
      }
    })();
    await expect(reading).rejects.toThrow(ExportFileError);
    await expect(reading).rejects.toThrow(/^cut\.json: .*after row \d+, near byte \d+/);
    expect(entries.length).toBeGreaterThan(5);
  });

  it.each([
    ['an object that is no export', '{"hello": "world"}'],
    ['an array of something else', '[{"name": "x"}, {"name": "y"}]'],
    ['an object whose tracks are no array', '{"tracks": {"a": 1}}'],
  ])('recognises %s as no export', async (_name, content) => {
    expect((await readAll('other.json', content)).kind).toBeNull();
  });

  it.each([
    ['an empty array (a podcast history of someone without podcasts)', '[]'],
    ['a library without saved tracks', '\uFEFF{"tracks": [], "albums": []}'],
  ])('reads %s as an export file without rows', async (_name, content) => {
    expect(await readAll('empty.json', content)).toEqual({ kind: undefined, entries: [] });
  });

  it('reads a library file that begins with a byte order mark', async () => {
    const library = { tracks: [{ artist: 'A', album: 'B', track: 'C', uri: null }] };
    const { kind, entries } = await readAll('YourLibrary.json', `\uFEFF${JSON.stringify(library)}`);
    expect(kind).toBe('library');
    expect(entries.map((e) => e.item.type)).toEqual(['library_track']);
  });

  it('refuses text that is not JSON', async () => {
    await expect(readAll('notes.json', 'these are not the droids')).rejects.toThrow(/notes\.json/);
  });

  it('marks a row with a bad field as invalid and reads on', async () => {
    const content = JSON.stringify([
      {
        ts: '2024-01-01T00:00:00Z',
        ms_played: 1000,
        master_metadata_track_name: 'A',
        master_metadata_album_artist_name: 'B',
        spotify_track_uri: 'spotify:track:6bLopGnirdrilrpdVB6Um1',
      },
      { ts: 'yesterday', ms_played: 1000 },
      { ts: '2024-01-01T00:05:00Z', ms_played: -3 },
    ]);
    const { entries } = await readAll('rows.json', content);
    expect(entries.map((e) => e.item.type)).toEqual(['play', 'invalid', 'invalid']);
    expect(entries[1]!.item).toMatchObject({ reason: expect.stringMatching(/^ts: /) });
  });

  it('marks a play that cannot be real as invalid: before 2008, in the future, 12 hours long', async () => {
    const row = (ts: string, ms_played: number) => ({
      ts,
      ms_played,
      master_metadata_track_name: 'A',
      master_metadata_album_artist_name: 'B',
      spotify_track_uri: 'spotify:track:6bLopGnirdrilrpdVB6Um1',
    });
    const nextYear = new Date(Date.now() + 366 * 86_400_000).toISOString();
    const extended = await readAll(
      'Streaming_History_Audio_2024.json',
      JSON.stringify([
        row('2007-12-31T23:59:59Z', 1000),
        row(nextYear, 1000),
        row('2024-01-01T00:00:00Z', 13 * 3_600_000),
        row('2024-01-01T00:00:00Z', 12 * 3_600_000),
      ]),
    );
    expect(extended.entries.map((e) => e.item)).toEqual([
      { type: 'invalid', reason: 'the play ended before 2008' },
      { type: 'invalid', reason: 'the play ends in the future' },
      { type: 'invalid', reason: 'the play lasted an implausible 46800000 ms' },
      expect.objectContaining({ type: 'play' }),
    ]);
    const account = await readAll(
      'StreamingHistory_music_0.json',
      JSON.stringify([
        { endTime: '2005-06-01 10:00', artistName: 'B', trackName: 'A', msPlayed: 1000 },
        { endTime: '2024-13-45 10:00', artistName: 'B', trackName: 'A', msPlayed: 1000 },
      ]),
    );
    expect(account.entries.map((e) => e.item)).toEqual([
      { type: 'invalid', reason: 'the play ended before 2008' },
      { type: 'invalid', reason: 'the play has no valid time' },
    ]);
  });
});
