import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * The production guide's ways of loading a page of tracks, written as the
 * queries they issue, on the same data as ours: what each benchmark
 * scenario measures our way against. Never used by the product.
 */

type Position = { addedAt: Date; id: number };

const pageRows = (db: Kysely<DB>, userId: number) =>
  db
    .selectFrom('user_track')
    .select(['id', 'track_id', 'added_at', 'rating', 'liked'])
    .where('user_id', '=', userId);

/**
 * The guide's "BAD": an ORM's nested include, one query for the page and
 * then, per row, one each for the track, its album, its artists and its tags.
 */
export async function nestedInclude(
  db: Kysely<DB>,
  userId: number,
  after: Position,
  limit: number,
) {
  const rows = await pageRows(db, userId)
    .where(sql<boolean>`(added_at, id) < (${after.addedAt}, ${after.id})`)
    .orderBy('added_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  const items = [];
  for (const row of rows) {
    const track = await db
      .selectFrom('track')
      .selectAll()
      .where('id', '=', row.track_id)
      .executeTakeFirstOrThrow();
    const album = track.album_id
      ? await db.selectFrom('album').selectAll().where('id', '=', track.album_id).executeTakeFirst()
      : undefined;
    const artists = await db
      .selectFrom('track_artist')
      .innerJoin('artist', 'artist.id', 'track_artist.artist_id')
      .select(['artist.id', 'artist.name'])
      .where('track_artist.track_id', '=', track.id)
      .orderBy('track_artist.position')
      .execute();
    const tags = await db
      .selectFrom('track_tag')
      .innerJoin('tag', (j) =>
        j.onRef('tag.user_id', '=', 'track_tag.user_id').onRef('tag.id', '=', 'track_tag.tag_id'),
      )
      .select(['tag.id', 'tag.name', 'tag.color'])
      .where('track_tag.user_id', '=', userId)
      .where('track_tag.user_track_id', '=', row.id)
      .execute();
    items.push({ ...row, track, album, artists, tags });
  }
  return items;
}

/** The guide's "Option 1": three queries (page, artists, tags) joined in memory. */
export async function threeQueries(db: Kysely<DB>, userId: number, after: Position, limit: number) {
  const rows = await db
    .selectFrom('user_track as ut')
    .innerJoin('track as t', 't.id', 'ut.track_id')
    .leftJoin('album as al', 'al.id', 't.album_id')
    .select(['ut.id', 'ut.added_at', 'ut.rating', 't.id as track_id', 't.name', 'al.name as album'])
    .where('ut.user_id', '=', userId)
    .where(sql<boolean>`(ut.added_at, ut.id) < (${after.addedAt}, ${after.id})`)
    .orderBy('ut.added_at', 'desc')
    .orderBy('ut.id', 'desc')
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  const artists = await db
    .selectFrom('track_artist')
    .innerJoin('artist', 'artist.id', 'track_artist.artist_id')
    .select(['track_artist.track_id', 'artist.id', 'artist.name'])
    .where(
      'track_artist.track_id',
      'in',
      rows.map((r) => r.track_id),
    )
    .execute();
  const tags = await db
    .selectFrom('track_tag')
    .innerJoin('tag', (j) =>
      j.onRef('tag.user_id', '=', 'track_tag.user_id').onRef('tag.id', '=', 'track_tag.tag_id'),
    )
    .select(['track_tag.user_track_id', 'tag.id', 'tag.name', 'tag.color'])
    .where('track_tag.user_id', '=', userId)
    .where(
      'track_tag.user_track_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  return rows.map((r) => ({
    ...r,
    artists: artists.filter((a) => a.track_id === r.track_id),
    tags: tags.filter((t) => t.user_track_id === r.id),
  }));
}

/** The user's tracks with the track, artist and album names the guide's include loads. */
const withNames = (db: Kysely<DB>, userId: number) =>
  db
    .selectFrom('user_track as ut')
    .innerJoin('track as t', 't.id', 'ut.track_id')
    .innerJoin('artist as a', 'a.id', 't.artist_id')
    .leftJoin('album as al', 'al.id', 't.album_id')
    .select(['ut.id', 'ut.added_at', 't.name', 'a.name as artist', 'al.name as album'])
    .where('ut.user_id', '=', userId);

/** A page found by OFFSET: the database walks past every row before it. */
export function offsetPage(db: Kysely<DB>, userId: number, offset: number, limit: number) {
  return withNames(db, userId)
    .orderBy('ut.added_at', 'desc')
    .orderBy('ut.id', 'desc')
    .offset(offset)
    .limit(limit)
    .execute();
}

/**
 * The guide's cursor: added_at descending with id ascending as tie-breaker,
 * written as an OR. No index serves mixed directions, and the OR hides the
 * row comparison from the planner.
 */
export function guideCursorPage(db: Kysely<DB>, userId: number, after: Position, limit: number) {
  return withNames(db, userId)
    .where((eb) =>
      eb.or([
        eb('ut.added_at', '<', after.addedAt),
        eb.and([eb('ut.added_at', '=', after.addedAt), eb('ut.id', '>', after.id)]),
      ]),
    )
    .orderBy('ut.added_at', 'desc')
    .orderBy('ut.id', 'asc')
    .limit(limit + 1)
    .execute();
}

/**
 * The guide's recording: per play, a transaction that inserts it and bumps
 * the track's, artist's and album's counters with upserts ("atomic
 * increments"). No check that the play is new.
 */
export async function perPlayUpserts(
  db: Kysely<DB>,
  userId: number,
  plays: {
    userTrackId: number;
    artistId: number;
    albumId: number;
    playedAt: Date;
    msPlayed: number;
  }[],
) {
  for (const play of plays) {
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('play_history_archive')
        .values({
          user_id: userId,
          user_track_id: play.userTrackId,
          played_at: play.playedAt,
          ms_played: play.msPlayed,
          source: 'generator',
        })
        .execute();
      await tx
        .updateTable('user_track_stats')
        .set((eb) => ({
          play_count: eb('play_count', '+', 1),
          ms_played: eb('ms_played', '+', play.msPlayed),
          last_played_at: sql`greatest(last_played_at, ${play.playedAt}::timestamptz)`,
        }))
        .where('user_id', '=', userId)
        .where('user_track_id', '=', play.userTrackId)
        .execute();
      for (const [table, key, id] of [
        ['user_artist', 'artist_id', play.artistId],
        ['user_album', 'album_id', play.albumId],
      ] as const) {
        await sql`
          INSERT INTO ${sql.table(table)} AS agg (user_id, ${sql.ref(key)}, play_count, ms_played, last_played_at)
          VALUES (${userId}, ${id}, 1, ${play.msPlayed}, ${play.playedAt})
          ON CONFLICT (user_id, ${sql.ref(key)}) DO UPDATE SET play_count = agg.play_count + 1,
            ms_played = agg.ms_played + excluded.ms_played,
            last_played_at = greatest(agg.last_played_at, excluded.last_played_at)`.execute(tx);
      }
    });
  }
}
