import { z } from 'zod';
import { entityId } from '../common/entity-id.js';
import type { GenreSource, PlaySource } from '../db/schema.js';
import { smartDefinitionSchema } from '../smart-playlists/smart-playlists.dto.js';

/**
 * Spotlib's backup archive, format version 1: gzip'd JSON Lines, one record
 * per line, each with a `type`. It names tracks by what they are (Spotify
 * ids, names, credits, album, ISRC), never by this instance's ids, and user
 * data refers to tracks, artists, tags and playlists by archive-local `key`s
 * (positive integers, unique per record type). Records come in dependency
 * order (RECORD_ORDER): everything a record refers to comes before it, so a
 * restore writes while it reads. The `end` record counts what came before:
 * a file cut at a line boundary still fails.
 *
 * Never in an archive: password hashes, sessions, API tokens, Spotify tokens
 * or account links, import and sync job state.
 */
export const BACKUP_FORMAT = 'spotlib-backup';
export const BACKUP_VERSION = 1;

/** The record types, in the order an archive holds them. */
export const RECORD_ORDER = [
  'header',
  'settings',
  'tag',
  'artist',
  'album',
  'track',
  'artistGenre',
  'playlist',
  'playlistEntry',
  'smartPlaylist',
  'smartPlaylistEntry',
  'play',
  'end',
] as const;
export type RecordType = (typeof RECORD_ORDER)[number];

/** What the `end` record counts (header, settings and end are one each). */
export const COUNTED_TYPES = RECORD_ORDER.filter(
  (t): t is Exclude<RecordType, 'header' | 'settings' | 'end'> =>
    t !== 'header' && t !== 'settings' && t !== 'end',
);
export type CountedType = (typeof COUNTED_TYPES)[number];
export type RecordCounts = Record<CountedType, number>;

const PLAY_SOURCES = [
  'spotify_export',
  'spotify_account_export',
  'spotify_recent',
  'listenbrainz',
  'generator',
] as const satisfies readonly PlaySource[];
const GENRE_SOURCES = [
  'spotify',
  'user',
  'musicbrainz',
  'lastfm',
] as const satisfies readonly GenreSource[];

const key = entityId;
const text = (max: number) => z.string().min(1).max(max);
const optionalText = (max: number) => z.string().max(max).nullable();
/** An instant as ISO 8601 (what Date.toJSON writes), read back as a Date. */
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const smallInt = z.number().int().min(1).max(32_767);

export const headerSchema = z
  .object({
    type: z.literal('header'),
    format: z.literal(BACKUP_FORMAT),
    version: z.number().int().positive(),
    exportedAt: instant,
    /** the schema (last migration) of the instance that wrote it: for people, not checked */
    schema: z.string(),
    user: z.object({ username: z.string(), displayName: z.string().nullable() }).strict(),
  })
  .strict();

const recordSchemas = {
  settings: z
    .object({
      type: z.literal('settings'),
      timeZone: text(64),
      playThresholdMs: z.number().int().min(0).max(600_000),
    })
    .strict(),
  tag: z
    .object({
      type: z.literal('tag'),
      key,
      name: text(100),
      color: z
        .string()
        .regex(/^#[0-9a-f]{6}$/)
        .nullable(),
      createdAt: instant,
    })
    .strict(),
  artist: z
    .object({
      type: z.literal('artist'),
      key,
      name: text(1000),
      spotifyId: text(100).nullable(),
      imageUrl: optionalText(2000),
      /** the catalog's genres of the artist (Spotify's and other sources') */
      genres: z.array(z.object({ name: text(200), source: z.enum(GENRE_SOURCES) }).strict()),
    })
    .strict(),
  album: z
    .object({
      type: z.literal('album'),
      key,
      name: text(1000),
      spotifyId: text(100).nullable(),
      releaseDate: z
        .string()
        .regex(/^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$/)
        .nullable(),
      imageUrl: optionalText(2000),
    })
    .strict(),
  track: z
    .object({
      type: z.literal('track'),
      key,
      spotifyId: text(100).nullable(),
      name: text(1000),
      /** every credited artist in order; the first is the primary artist */
      artists: z.array(key).min(1).max(100),
      album: key.nullable(),
      durationMs: z.number().int().positive().max(2_147_483_647).nullable(),
      explicit: z.boolean().nullable(),
      isrc: optionalText(100),
      discNumber: smallInt.nullable(),
      trackNumber: smallInt.nullable(),
      addedAt: instant,
      liked: z.boolean(),
      /** stars, 0..5 in halves, as the API speaks */
      rating: z
        .number()
        .min(0)
        .max(5)
        .refine((r) => Number.isInteger(r * 2), 'rating must be in half stars')
        .nullable(),
      tags: z.array(key).max(1000),
    })
    .strict(),
  artistGenre: z
    .object({
      type: z.literal('artistGenre'),
      artist: key,
      genre: text(200),
      /** true: the user added the genre; false: the user hid the catalog's */
      assigned: z.boolean(),
    })
    .strict(),
  playlist: z
    .object({
      type: z.literal('playlist'),
      key,
      name: text(200),
      description: optionalText(2000),
      spotifyPlaylistId: optionalText(100),
      spotifySnapshotId: optionalText(200),
      pushedAt: instant.nullable(),
      createdAt: instant,
      updatedAt: instant,
    })
    .strict(),
  playlistEntry: z
    .object({
      type: z.literal('playlistEntry'),
      playlist: key,
      track: key,
      /** the fractional order key, kept as it is */
      position: text(200),
      addedAt: instant,
    })
    .strict(),
  smartPlaylist: z
    .object({
      type: z.literal('smartPlaylist'),
      key,
      /** as the API takes it; IN_PLAYLIST rules name playlists by their archive keys */
      definition: smartDefinitionSchema,
      randomSeed: z.number().int(),
      evaluatedAt: instant.nullable(),
      spotifyPlaylistId: optionalText(100),
      spotifySnapshotId: optionalText(200),
      pushedAt: instant.nullable(),
      createdAt: instant,
      updatedAt: instant,
    })
    .strict(),
  /** a smart playlist's tracks as its last refresh chose them */
  smartPlaylistEntry: z
    .object({
      type: z.literal('smartPlaylistEntry'),
      smartPlaylist: key,
      track: key,
      position: z.number().int().min(0),
    })
    .strict(),
  play: z
    .object({
      type: z.literal('play'),
      track: key,
      /** when the play ended */
      playedAt: instant,
      msPlayed: z.number().int().min(0).max(2_147_483_647),
      source: z.enum(PLAY_SOURCES),
      skipped: z.boolean(),
      reasonStart: optionalText(100),
      reasonEnd: optionalText(100),
    })
    .strict(),
  end: z
    .object({
      type: z.literal('end'),
      counts: z
        .object(
          Object.fromEntries(COUNTED_TYPES.map((t) => [t, z.number().int().min(0)])) as Record<
            CountedType,
            z.ZodNumber
          >,
        )
        .strict(),
    })
    .strict(),
} satisfies Record<Exclude<RecordType, 'header'>, z.ZodType>;

export type BackupHeader = z.infer<typeof headerSchema>;
type Schemas = typeof recordSchemas;
/** A record as read (dates as Dates). */
export type ArchiveRecord = { [T in keyof Schemas]: z.output<Schemas[T]> }[keyof Schemas];
export type RecordOf<T extends ArchiveRecord['type']> = Extract<ArchiveRecord, { type: T }>;
/** A record as written: dates may be Dates (JSON writes them as ISO 8601). */
export type RecordToWrite = {
  [T in keyof Schemas]: z.input<Schemas[T]> | RecordOf<T>;
}[keyof Schemas];
export type HeaderToWrite = z.input<typeof headerSchema> | BackupHeader;

export function recordSchema(type: Exclude<RecordType, 'header'>): z.ZodType<ArchiveRecord> {
  return recordSchemas[type] as z.ZodType<ArchiveRecord>;
}

export const isRecordType = (type: unknown): type is RecordType =>
  typeof type === 'string' && (RECORD_ORDER as readonly string[]).includes(type);

export const rankOf = (type: RecordType): number => RECORD_ORDER.indexOf(type);

export function emptyCounts(): RecordCounts {
  return Object.fromEntries(COUNTED_TYPES.map((t) => [t, 0])) as RecordCounts;
}
