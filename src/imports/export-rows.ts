import { z } from 'zod';
import type { TrackMetadata } from '../catalog/track-metadata.js';
import type { PlaySource } from '../db/schema.js';
import { implausibility } from '../history/play-plausibility.js';

/** A play as Spotify's export states it, before the catalog knows its track. */
export interface ExportPlay {
  /** when playback stopped */
  endedAt: Date;
  msPlayed: number;
  source: Extract<PlaySource, 'spotify_export' | 'spotify_account_export'>;
  track: TrackMetadata;
  reasonStart: string | null;
  reasonEnd: string | null;
}

/** One element of an export file, classified. */
export type ExportItem =
  | { type: 'play'; play: ExportPlay }
  | { type: 'library_track'; track: TrackMetadata }
  /** a podcast episode, video or audiobook row: counted, not recorded */
  | { type: 'non_music' }
  | { type: 'invalid'; reason: string };

const SPOTIFY_TRACK_URI = /^spotify:track:([0-9A-Za-z]{22})$/;
const nullableText = z.string().nullable().optional();

/** Extended streaming history (`Streaming_History_Audio_*.json`, `endsong_N.json`, video files). */
export const extendedRowSchema = z.object({
  ts: z.iso.datetime({ offset: true }),
  ms_played: z.number().int().min(0),
  master_metadata_track_name: nullableText,
  master_metadata_album_artist_name: nullableText,
  master_metadata_album_album_name: nullableText,
  spotify_track_uri: nullableText,
  spotify_episode_uri: nullableText,
  audiobook_uri: nullableText,
  reason_start: nullableText,
  reason_end: nullableText,
});

/** Account data (`StreamingHistory_music_N.json`, older `StreamingHistoryN.json`). */
export const accountRowSchema = z.object({
  endTime: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/, 'expected "YYYY-MM-DD HH:MM"'),
  artistName: z.string(),
  trackName: z.string(),
  msPlayed: z.number().int().min(0),
});

/** `YourLibrary.json` → `tracks[]`. */
export const libraryTrackSchema = z.object({
  artist: z.string().min(1),
  album: z.string().optional(),
  track: z.string().min(1),
  uri: z.string().nullable().optional(),
});

export function spotifyIdOfUri(uri: string | null | undefined): string | undefined {
  return uri ? SPOTIFY_TRACK_URI.exec(uri)?.[1] : undefined;
}

export function classifyExtended(value: unknown): ExportItem {
  const parsed = extendedRowSchema.safeParse(value);
  if (!parsed.success) return { type: 'invalid', reason: describe(parsed.error) };
  const row = parsed.data;
  const trackName = row.master_metadata_track_name;
  const artistName = row.master_metadata_album_artist_name;
  if (!trackName || !artistName) {
    // Episodes, videos and audiobooks carry their own URIs and no track metadata.
    return row.spotify_episode_uri || row.audiobook_uri || !row.spotify_track_uri
      ? { type: 'non_music' }
      : { type: 'invalid', reason: 'a track row without its track or artist name' };
  }
  return playItem({
    endedAt: new Date(row.ts),
    msPlayed: row.ms_played,
    source: 'spotify_export',
    track: {
      spotifyId: spotifyIdOfUri(row.spotify_track_uri),
      artistName,
      trackName,
      albumName: row.master_metadata_album_album_name ?? undefined,
    },
    reasonStart: row.reason_start ?? null,
    reasonEnd: row.reason_end ?? null,
  });
}

export function classifyAccount(value: unknown): ExportItem {
  const parsed = accountRowSchema.safeParse(value);
  if (!parsed.success) return { type: 'invalid', reason: describe(parsed.error) };
  const row = parsed.data;
  // Account data's "Unknown Artist"/"Unknown Track" rows are podcasts and local files.
  if (!row.artistName.trim() || !row.trackName.trim() || row.artistName === 'Unknown Artist') {
    return { type: 'non_music' };
  }
  return playItem({
    endedAt: new Date(`${row.endTime.replace(' ', 'T')}:00Z`),
    msPlayed: row.msPlayed,
    source: 'spotify_account_export',
    track: { artistName: row.artistName, trackName: row.trackName },
    reasonStart: null,
    reasonEnd: null,
  });
}

/** A play that cannot be real (before 2008, in the future, 12 hours long) is an invalid row. */
function playItem(play: ExportPlay): ExportItem {
  const problem = implausibility(play.endedAt.getTime(), play.msPlayed);
  return problem ? { type: 'invalid', reason: `the play ${problem}` } : { type: 'play', play };
}

export function classifyLibraryTrack(value: unknown): ExportItem {
  const parsed = libraryTrackSchema.safeParse(value);
  if (!parsed.success) return { type: 'invalid', reason: describe(parsed.error) };
  const row = parsed.data;
  return {
    type: 'library_track',
    track: {
      spotifyId: spotifyIdOfUri(row.uri),
      artistName: row.artist,
      trackName: row.track,
      albumName: row.album || undefined,
    },
  };
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ');
}
