import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { toTree } from '../smart-playlists/rule-rows.js';
import { playlistRefs, type RuleNode, type SmartDefinition } from '../smart-playlists/rules.js';
import { dependencyOrder } from '../smart-playlists/smart-playlists.service.js';
import { emptyCounts, type RecordCounts, type RecordToWrite } from './archive-format.js';
import type { BackupExportRepository } from './backup-export.repository.js';

const PAGE = 2_000;
const PLAY_PAGE = 10_000;

/**
 * The keys written so far, by type, and how many records of each: a record
 * that names something not written (added while a PGlite export ran) is
 * left out, so every reference in the archive resolves.
 */
export class ExportedKeys {
  readonly counts: RecordCounts = emptyCounts();
  readonly tags = new Set<number>();
  readonly artists = new Set<number>();
  readonly albums = new Set<number>();
  readonly tracks = new Set<number>();
  readonly playlists = new Set<number>();
  readonly smartPlaylists = new Set<number>();
}

type Repository = BackupExportRepository;
type Profile = Awaited<ReturnType<Repository['profile']>>;

/** A user's records in the archive's order (archive-format.ts), a page of rows at a time. */
export async function* userRecords(
  repository: Repository,
  db: Kysely<DB>,
  userId: number,
  profile: Profile,
  keys: ExportedKeys,
): AsyncGenerator<RecordToWrite> {
  yield {
    type: 'settings',
    timeZone: profile.time_zone,
    playThresholdMs: profile.play_threshold_ms,
  };
  const sources = [
    tagRecords,
    artistRecords,
    albumRecords,
    trackRecords,
    userGenreRecords,
    playlistRecords,
    playlistEntryRecords,
    smartPlaylistRecords,
    smartEntryRecords,
    playRecords,
  ];
  for (const source of sources) {
    for await (const record of source(repository, db, userId, keys)) {
      if (record.type !== 'settings' && record.type !== 'end') keys.counts[record.type]++;
      yield record;
    }
  }
}

type Records = AsyncGenerator<RecordToWrite>;

async function* tagRecords(
  repository: Repository,
  db: Kysely<DB>,
  userId: number,
  keys: ExportedKeys,
): Records {
  for (const tag of await repository.tags(db, userId)) {
    keys.tags.add(tag.id);
    yield { type: 'tag', key: tag.id, name: tag.name, color: tag.color, createdAt: tag.created_at };
  }
}

async function* artistRecords(
  repository: Repository,
  db: Kysely<DB>,
  userId: number,
  keys: ExportedKeys,
): Records {
  for (const ids of chunks(await repository.artistIds(db, userId), PAGE)) {
    for (const artist of await repository.artists(db, ids)) {
      keys.artists.add(artist.id);
      yield {
        type: 'artist',
        key: artist.id,
        name: artist.name,
        spotifyId: artist.spotify_id,
        imageUrl: artist.image_url,
        genres: artist.genres,
      };
    }
  }
}

async function* albumRecords(
  repository: Repository,
  db: Kysely<DB>,
  userId: number,
  keys: ExportedKeys,
): Records {
  for (const ids of chunks(await repository.albumIds(db, userId), PAGE)) {
    for (const album of await repository.albums(db, ids)) {
      keys.albums.add(album.id);
      yield {
        type: 'album',
        key: album.id,
        name: album.name,
        spotifyId: album.spotify_id,
        releaseDate: album.release_date,
        imageUrl: album.image_url,
      };
    }
  }
}

async function* trackRecords(
  repository: Repository,
  db: Kysely<DB>,
  userId: number,
  keys: ExportedKeys,
): Records {
  const rows = keysetRows(
    (after: number, limit) => repository.tracks(db, userId, after, limit),
    0,
    (t) => t.id,
  );
  for await (const t of rows) {
    const artists = [t.artist_id, ...t.credits];
    const album = t.album_id !== null && keys.albums.has(t.album_id) ? t.album_id : null;
    if (!artists.every((a) => keys.artists.has(a))) continue;
    keys.tracks.add(t.id);
    yield {
      type: 'track',
      key: t.id,
      spotifyId: t.spotify_id,
      name: t.name,
      artists,
      album,
      durationMs: t.duration_ms,
      explicit: t.explicit,
      isrc: t.isrc,
      discNumber: t.disc_number,
      trackNumber: t.track_number,
      addedAt: t.added_at,
      liked: t.liked,
      rating: t.rating === null ? null : t.rating / 2,
      tags: t.tags.filter((tag) => keys.tags.has(tag)),
    };
  }
}

async function* userGenreRecords(
  repository: Repository,
  db: Kysely<DB>,
  userId: number,
  keys: ExportedKeys,
): Records {
  for (const row of await repository.userGenres(db, userId)) {
    if (!keys.artists.has(row.artist_id)) continue;
    yield { type: 'artistGenre', artist: row.artist_id, genre: row.genre, assigned: row.assigned };
  }
}

async function* playlistRecords(
  repository: Repository,
  db: Kysely<DB>,
  userId: number,
  keys: ExportedKeys,
): Records {
  for (const p of await repository.playlists(db, userId)) {
    keys.playlists.add(p.id);
    yield {
      type: 'playlist',
      key: p.id,
      name: p.name,
      description: p.description,
      spotifyPlaylistId: p.spotify_playlist_id,
      spotifySnapshotId: p.spotify_snapshot_id,
      pushedAt: p.pushed_at,
      createdAt: p.created_at,
      updatedAt: p.updated_at,
    };
  }
}

async function* playlistEntryRecords(
  repository: Repository,
  db: Kysely<DB>,
  userId: number,
  keys: ExportedKeys,
): Records {
  const rows = keysetRows(
    (after: [number, string] | null, limit) => repository.playlistEntries(db, userId, after, limit),
    null,
    (e): [number, string] => [e.playlist_id, e.position],
  );
  for await (const e of rows) {
    if (!keys.playlists.has(e.playlist_id) || !keys.tracks.has(e.user_track_id)) continue;
    yield {
      type: 'playlistEntry',
      playlist: e.playlist_id,
      track: e.user_track_id,
      position: e.position,
      addedAt: e.added_at,
    };
  }
}

/** Smart playlists, each after those its IN_PLAYLIST rules read (a restore creates them so). */
async function* smartPlaylistRecords(
  repository: Repository,
  db: Kysely<DB>,
  userId: number,
  keys: ExportedKeys,
): Records {
  const playlists = await repository.smartPlaylists(db, userId);
  const rules = await repository.smartRules(db, userId);
  const trees = new Map(
    playlists.map((p) => [p.id, toTree(rules.filter((r) => r.playlist_id === p.id))]),
  );
  const edges = [...trees].flatMap(([from, tree]) => smartRefsOf(tree).map((to) => ({ from, to })));
  const byId = new Map(playlists.map((p) => [p.id, p]));
  for (const id of dependencyOrder([...byId.keys()], edges)) {
    const p = byId.get(id)!;
    const tree = trees.get(id)!;
    if (!refsExported(tree, keys)) continue;
    keys.smartPlaylists.add(id);
    const definition: SmartDefinition = {
      name: p.name,
      description: p.description,
      match: p.match,
      rules: tree,
      limit:
        p.limit_count === null
          ? null
          : { count: p.limit_count, unit: p.limit_unit!, selectBy: p.limit_order! },
    };
    yield {
      type: 'smartPlaylist',
      key: id,
      definition,
      randomSeed: p.random_seed,
      evaluatedAt: p.evaluated_at,
      spotifyPlaylistId: p.spotify_playlist_id,
      spotifySnapshotId: p.spotify_snapshot_id,
      pushedAt: p.pushed_at,
      createdAt: p.created_at,
      updatedAt: p.updated_at,
    };
  }
}

async function* smartEntryRecords(
  repository: Repository,
  db: Kysely<DB>,
  userId: number,
  keys: ExportedKeys,
): Records {
  const rows = keysetRows(
    (after: [number, number] | null, limit) => repository.smartEntries(db, userId, after, limit),
    null,
    (e): [number, number] => [e.smart_playlist_id, e.position],
  );
  for await (const e of rows) {
    if (!keys.smartPlaylists.has(e.smart_playlist_id) || !keys.tracks.has(e.user_track_id)) {
      continue;
    }
    yield {
      type: 'smartPlaylistEntry',
      smartPlaylist: e.smart_playlist_id,
      track: e.user_track_id,
      position: e.position,
    };
  }
}

async function* playRecords(
  repository: Repository,
  db: Kysely<DB>,
  userId: number,
  keys: ExportedKeys,
): Records {
  const rows = keysetRows(
    (after: [Date, number] | null, limit) => repository.plays(db, userId, after, limit),
    null,
    (p): [Date, number] => [p.played_at, p.user_track_id],
    PLAY_PAGE,
  );
  for await (const p of rows) {
    if (!keys.tracks.has(p.user_track_id)) continue;
    yield {
      type: 'play',
      track: p.user_track_id,
      playedAt: p.played_at,
      msPlayed: p.ms_played,
      source: p.source,
      skipped: p.skipped,
      reasonStart: p.reason_start,
      reasonEnd: p.reason_end,
    };
  }
}

/** The smart playlists the rules read. */
function smartRefsOf(rules: readonly RuleNode[]): number[] {
  return playlistRefs(rules).flatMap(({ ref }) =>
    'smartPlaylistId' in ref ? [ref.smartPlaylistId] : [],
  );
}

/** Whether every playlist the rules name is in the archive already. */
function refsExported(rules: readonly RuleNode[], keys: ExportedKeys): boolean {
  return playlistRefs(rules).every(({ ref }) =>
    'playlistId' in ref
      ? keys.playlists.has(ref.playlistId)
      : keys.smartPlaylists.has(ref.smartPlaylistId),
  );
}

/** Every row of a keyset-paged read; `cursorOf` says where the page after a row starts. */
async function* keysetRows<Row, Cursor>(
  read: (after: Cursor, limit: number) => Promise<Row[]>,
  first: Cursor,
  cursorOf: (row: Row) => Cursor,
  limit = PAGE,
): AsyncGenerator<Row> {
  for (let after = first; ;) {
    const page = await read(after, limit);
    yield* page;
    if (page.length < limit) return;
    after = cursorOf(page.at(-1)!);
  }
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
