import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { sortKey } from '../../src/db/sort-key.js';

/** Readable test data: `newTrack(db, { name: 'Jóga', artist: 'Björk' })`. */

let sequence = 0;
const next = () => ++sequence;

export async function newUser(db: Kysely<DB>, username = `user${next()}`) {
  const user = await db
    .insertInto('app_user')
    .values({ username })
    .returningAll()
    .executeTakeFirstOrThrow();
  await db.insertInto('user_settings').values({ user_id: user.id }).execute();
  return user;
}

export async function newArtist(db: Kysely<DB>, name = `Artist ${next()}`) {
  return db
    .insertInto('artist')
    .values({ name, sort_name: sortKey(name), spotify_id: `artist${next()}` })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function newTrack(
  db: Kysely<DB>,
  options: { name?: string; artist?: string; album?: string; durationMs?: number } = {},
) {
  const artist = await newArtist(db, options.artist);
  const albumName = options.album ?? `Album ${next()}`;
  const album = await db
    .insertInto('album')
    .values({ name: albumName, sort_name: sortKey(albumName), artist_id: artist.id })
    .returningAll()
    .executeTakeFirstOrThrow();
  const name = options.name ?? `Track ${next()}`;
  const track = await db
    .insertInto('track')
    .values({
      name,
      sort_name: sortKey(name),
      artist_id: artist.id,
      album_id: album.id,
      duration_ms: options.durationMs ?? 200_000,
      spotify_id: `track${next()}`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await db
    .insertInto('track_artist')
    .values({ track_id: track.id, position: 0, artist_id: artist.id })
    .execute();
  return { track, artist, album };
}

/**
 * A track in the user's library with its play counters at zero, as the
 * library repository writes it; `counters: false` for schemas before
 * user_track_stats existed.
 */
export async function newUserTrack(
  db: Kysely<DB>,
  userId: number,
  options: Parameters<typeof newTrack>[1] & { counters?: boolean } = {},
) {
  const { track, artist, album } = await newTrack(db, options);
  const userTrack = await db
    .insertInto('user_track')
    .values({
      user_id: userId,
      track_id: track.id,
      title_sort: track.sort_name,
      artist_sort: artist.sort_name,
      album_sort: album.sort_name,
      duration_ms: track.duration_ms,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (options.counters !== false) {
    await db
      .insertInto('user_track_stats')
      .values({ user_id: userId, user_track_id: userTrack.id })
      .execute();
  }
  return userTrack;
}
