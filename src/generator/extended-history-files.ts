import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { seededRandom } from '../common/seeded-random.js';

export interface ExtendedHistoryOptions {
  rows: number;
  /** distinct tracks; popularity follows a power law over them */
  tracks?: number;
  seed?: number;
  /** rows per file: Spotify's files hold about 16k rows (10-13 MB) */
  rowsPerFile?: number;
  /** ten years ending at this instant */
  end?: Date;
}

export interface GeneratedFiles {
  files: string[];
  rows: number;
  bytes: number;
}

const YEAR_MS = 365.25 * 86_400_000;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Writes a synthetic extended streaming history as Spotify sends it:
 * `Streaming_History_Audio_<years>_<n>.json` files of one-space-indented
 * rows, unsorted within a file, with the export's quirks — exact duplicate
 * rows (0.5%), podcast rows without track metadata (1%), short plays that
 * are not plays (15%). Deterministic for a seed.
 */
export async function writeExtendedHistory(
  dir: string,
  options: ExtendedHistoryOptions,
): Promise<GeneratedFiles> {
  const random = seededRandom(options.seed ?? 1);
  const trackCount = options.tracks ?? Math.max(10, Math.round(options.rows / 15));
  const rowsPerFile = options.rowsPerFile ?? 16_000;
  const end = (options.end ?? new Date()).getTime();
  const start = end - 10 * YEAR_MS;
  await mkdir(dir, { recursive: true });
  const result: GeneratedFiles = { files: [], rows: 0, bytes: 0 };
  for (let first = 0, n = 0; first < options.rows; first += rowsPerFile, n++) {
    const count = Math.min(rowsPerFile, options.rows - first);
    // Rows in time order across files, shuffled within a file, as the export is.
    const times = Array.from({ length: count }, (_, i) =>
      Math.floor(start + ((first + i + random()) / options.rows) * (end - start - 60_000)),
    );
    const rows = times.map((ts) => extendedRow(ts, random, trackCount));
    shuffle(rows, random);
    for (let i = 0; i < Math.floor(count * 0.005); i++) {
      rows[Math.floor(random() * count)] = rows[Math.floor(random() * count)]!;
    }
    const years = `${new Date(times[0]!).getUTCFullYear()}-${new Date(times.at(-1)!).getUTCFullYear()}`;
    const file = path.join(dir, `Streaming_History_Audio_${years}_${n}.json`);
    result.bytes += await writeRows(file, rows);
    result.files.push(file);
    result.rows += count;
  }
  return result;
}

function extendedRow(ts: number, random: () => number, trackCount: number) {
  const podcast = random() < 0.01;
  // Power-law popularity: a few tracks get most plays, most get a handful.
  const track = Math.floor(random() ** 3 * trackCount);
  const artist = Math.floor(track / 8);
  return {
    ts: new Date(ts).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    platform: 'android',
    ms_played:
      random() < 0.15 ? Math.floor(random() * 29_000) : 30_000 + Math.floor(random() * 270_000),
    conn_country: 'DE',
    ip_addr: '0.0.0.0',
    master_metadata_track_name: podcast ? null : `Track ${track}`,
    master_metadata_album_artist_name: podcast ? null : `Artist ${artist}`,
    master_metadata_album_album_name: podcast ? null : `Album ${Math.floor(track / 12)}`,
    spotify_track_uri: podcast ? null : `spotify:track:${spotifyId('t', track)}`,
    episode_name: podcast ? 'An episode' : null,
    episode_show_name: podcast ? 'A show' : null,
    spotify_episode_uri: podcast ? `spotify:episode:${spotifyId('e', track)}` : null,
    audiobook_title: null,
    audiobook_uri: null,
    audiobook_chapter_uri: null,
    audiobook_chapter_title: null,
    reason_start: 'trackdone',
    reason_end: 'trackdone',
    shuffle: random() < 0.5,
    skipped: false,
    offline: false,
    offline_timestamp: Math.floor(ts / 1000),
    incognito_mode: false,
  };
}

/** A 22-character base62 id, distinct per (kind, number). */
function spotifyId(kind: string, value: number): string {
  let id = '';
  for (let rest = value; id.length < 12; rest = Math.floor(rest / 62)) id += BASE62[rest % 62];
  return `${kind}${id}`.padEnd(22, 'x');
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

async function writeRows(file: string, rows: readonly object[]): Promise<number> {
  const out = createWriteStream(file);
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('[\n');
  for (const [i, row] of rows.entries()) {
    await write(
      `${JSON.stringify(row, null, 1).replace(/\n/g, '\n ')}${i < rows.length - 1 ? ',' : ''}\n`,
    );
  }
  await write(']');
  out.end();
  await once(out, 'finish');
  return bytes;
}
