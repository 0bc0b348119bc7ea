import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { DB } from '../db/schema.js';

/** One track of a user's library as every list shows it. */
export interface TrackItem {
  id: number;
  name: string;
  durationMs: number | null;
  album: { id: number; name: string; imageUrl: string | null } | null;
  artists: { id: number; name: string }[];
  tags: { id: number; name: string; color: string | null }[];
  genres: string[];
  /** half stars as stars: 0..5 in steps of 0.5 */
  rating: number | null;
  playCount: number;
  lastPlayedAt: Date | null;
  addedAt: Date;
  liked: boolean;
}

export interface AddedPageQuery {
  order: 'asc' | 'desc';
  limit: number;
  /** (added_at, id) of the last row of the previous page */
  after?: { addedAt: Date; id: number } | undefined;
}

/**
 * Pages of a user's library in one statement: the page's rows are found on
 * a keyset index first (user_id, added_at, id), then only those rows are
 * joined to their album, credits, tags and genres, so a page costs the same
 * at any depth and whatever its size.
 */
@Injectable()
export class TrackListRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async pageByAdded(userId: number, query: AddedPageQuery): Promise<TrackItem[]> {
    const rows = await this.pageByAddedQuery(userId, query).execute();
    return rows.map(toItem);
  }

  /** The statement itself: the benchmark runs it through the bare driver as the ceiling. */
  pageByAddedQuery(userId: number, query: AddedPageQuery) {
    const { order, after } = query;
    const page = this.db
      .selectFrom('user_track')
      .selectAll()
      .where('user_id', '=', userId)
      .$if(after !== undefined, (qb) =>
        qb.where(
          sql<boolean>`(added_at, id) ${sql.raw(order === 'desc' ? '<' : '>')} (${after!.addedAt}, ${after!.id})`,
        ),
      )
      .orderBy('added_at', order)
      .orderBy('id', order)
      .limit(query.limit)
      .as('ut');
    return this.db
      .selectFrom(page)
      .innerJoin('track as t', 't.id', 'ut.track_id')
      .innerJoin('user_track_stats as s', (j) =>
        j.onRef('s.user_id', '=', 'ut.user_id').onRef('s.user_track_id', '=', 'ut.id'),
      )
      .leftJoin('album as al', 'al.id', 't.album_id')
      .select((eb) => [
        'ut.id',
        't.name',
        't.duration_ms',
        'al.id as album_id',
        'al.name as album_name',
        'al.image_url as album_image_url',
        'ut.rating',
        's.play_count',
        's.last_played_at',
        'ut.added_at',
        'ut.liked',
        jsonArrayFrom(
          eb
            .selectFrom('track_artist as ta')
            .innerJoin('artist as a', 'a.id', 'ta.artist_id')
            .select(['a.id', 'a.name'])
            .whereRef('ta.track_id', '=', 't.id')
            .orderBy('ta.position'),
        ).as('artists'),
        jsonArrayFrom(
          eb
            .selectFrom('track_tag as tt')
            .innerJoin('tag as g', (j) =>
              j.onRef('g.user_id', '=', 'tt.user_id').onRef('g.id', '=', 'tt.tag_id'),
            )
            .select(['g.id', 'g.name', 'g.color'])
            .whereRef('tt.user_id', '=', 'ut.user_id')
            .whereRef('tt.user_track_id', '=', 'ut.id')
            .orderBy('g.name_key'),
        ).as('tags'),
        sql<string[]>`ARRAY(
          SELECT DISTINCT ge.name FROM track_artist ta2
          JOIN artist_genre ag ON ag.artist_id = ta2.artist_id
          JOIN genre ge ON ge.id = ag.genre_id
          WHERE ta2.track_id = t.id ORDER BY ge.name)`.as('genres'),
      ])
      .orderBy('ut.added_at', order)
      .orderBy('ut.id', order);
  }
}

type PageRow = Awaited<
  ReturnType<ReturnType<TrackListRepository['pageByAddedQuery']>['execute']>
>[number];

function toItem(r: PageRow): TrackItem {
  return {
    id: r.id,
    name: r.name,
    durationMs: r.duration_ms,
    album:
      r.album_id === null
        ? null
        : { id: r.album_id, name: r.album_name!, imageUrl: r.album_image_url },
    artists: r.artists,
    tags: r.tags,
    genres: r.genres,
    rating: r.rating === null ? null : r.rating / 2,
    playCount: r.play_count,
    lastPlayedAt: r.last_played_at,
    addedAt: r.added_at,
    liked: r.liked,
  };
}
