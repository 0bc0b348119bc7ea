import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';

/**
 * Everything a user owns, with every id replaced by what it names (a track
 * by "artist – title", a playlist by its name): two users hold the same data
 * exactly when their snapshots are equal, whichever database each lives in.
 * Aggregate and rollup rows at zero count as absent, as `stats verify`
 * counts them. Times are compared to the millisecond, as JSON (and so an
 * archive) writes them.
 */
export async function userSnapshot(db: Kysely<DB>, userId: number) {
  const q = async (query: ReturnType<typeof sql<Record<string, unknown>>>) =>
    (await query.execute(db)).rows;
  const trackKey = (ut: string) => sql`(
    SELECT a.name || ' – ' || t.name FROM user_track x JOIN track t ON t.id = x.track_id
    JOIN artist a ON a.id = t.artist_id WHERE x.user_id = ${userId} AND x.id = ${sql.ref(ut)})`;
  return {
    profile: await q(sql`
      SELECT u.display_name, s.time_zone, s.play_threshold_ms, r.time_zone AS rollup_zone, r.ready
      FROM app_user u JOIN user_settings s ON s.user_id = u.id
      LEFT JOIN user_rollup_state r ON r.user_id = u.id WHERE u.id = ${userId}`),
    tracks: await q(sql`
      SELECT ${trackKey('ut.id')} AS key, t.spotify_id, t.duration_ms AS catalog_duration, t.explicit,
        t.isrc, t.disc_number, t.track_number,
        (SELECT json_agg(json_build_object('name', a.name, 'spotify', a.spotify_id, 'image', a.image_url,
            'genres', (SELECT json_agg(g.name || ':' || ag.source ORDER BY g.name) FROM artist_genre ag
              JOIN genre g ON g.id = ag.genre_id WHERE ag.artist_id = a.id)) ORDER BY ta.position)
          FROM track_artist ta JOIN artist a ON a.id = ta.artist_id WHERE ta.track_id = t.id) AS credits,
        al.name AS album, al.spotify_id AS album_spotify, al.image_url AS album_image,
        al.release_date, ut.added_at, ut.liked, ut.rating, ut.title_sort, ut.artist_sort, ut.album_sort,
        ut.duration_ms, s.play_count, s.skip_count, s.ms_played, s.last_played_at,
        (SELECT json_agg(g.name ORDER BY g.name) FROM track_tag tt JOIN tag g
          ON g.user_id = tt.user_id AND g.id = tt.tag_id
          WHERE tt.user_id = ut.user_id AND tt.user_track_id = ut.id) AS tags
      FROM user_track ut JOIN track t ON t.id = ut.track_id
      LEFT JOIN album al ON al.id = t.album_id
      LEFT JOIN user_track_stats s ON s.user_id = ut.user_id AND s.user_track_id = ut.id
      WHERE ut.user_id = ${userId} ORDER BY 1`),
    tags: await q(sql`SELECT name, name_key, sort_key, color, created_at FROM tag
      WHERE user_id = ${userId} ORDER BY name_key`),
    userGenres: await q(sql`
      SELECT a.name AS artist, g.name AS genre, uag.assigned FROM user_artist_genre uag
      JOIN artist a ON a.id = uag.artist_id JOIN genre g ON g.id = uag.genre_id
      WHERE uag.user_id = ${userId} ORDER BY 1, 2`),
    playlists: await q(sql`
      SELECT p.name, p.description, p.spotify_playlist_id, p.spotify_snapshot_id, p.pushed_at,
        p.created_at, p.updated_at,
        (SELECT json_agg(json_build_object('track', ${trackKey('pt.user_track_id')},
            'position', pt.position, 'added', date_trunc('milliseconds', pt.added_at)) ORDER BY pt.position)
          FROM playlist_track pt WHERE pt.user_id = p.user_id AND pt.playlist_id = p.id) AS entries
      FROM playlist p WHERE p.user_id = ${userId} ORDER BY p.name`),
    smartPlaylists: await q(sql`
      SELECT p.name, p.description, p.match, p.limit_count, p.limit_unit, p.limit_order, p.random_seed,
        p.evaluated_at, p.created_at, p.updated_at,
        (SELECT json_agg(json_build_object('depth', r.depth, 'position', r.position, 'kind', r.kind,
            'match', r.match, 'field', r.field, 'operator', r.operator, 'type', r.value_type,
            'value', CASE WHEN r.value_type = 'PLAYLIST' THEN ARRAY[r.value[1], coalesce(
              (SELECT name FROM playlist WHERE user_id = r.user_id AND r.value[1] = 'playlist'
                AND id = r.value[2]::bigint),
              (SELECT name FROM smart_playlist WHERE user_id = r.user_id AND r.value[1] = 'smart'
                AND id = r.value[2]::bigint))] ELSE r.value END)
            ORDER BY r.depth, r.position, r.kind)
          FROM smart_playlist_rule r WHERE r.user_id = p.user_id AND r.smart_playlist_id = p.id) AS rules,
        (SELECT json_agg(${trackKey('st.user_track_id')} ORDER BY st.position)
          FROM smart_playlist_track st WHERE st.user_id = p.user_id AND st.smart_playlist_id = p.id) AS tracks
      FROM smart_playlist p WHERE p.user_id = ${userId} ORDER BY p.name`),
    plays: await q(sql`
      SELECT h.held_in, ${trackKey('h.user_track_id')} AS track, h.played_at, h.ms_played, h.source,
        h.skipped, h.reason_start, h.reason_end
      FROM (SELECT *, 'hot' AS held_in FROM play_history WHERE user_id = ${userId}
            UNION ALL
            SELECT *, 'archive' FROM play_history_archive WHERE user_id = ${userId}) h
      ORDER BY h.played_at, 2`),
    artists: await q(sql`
      SELECT a.name, a.spotify_id, ua.track_count, ua.play_count, ua.ms_played, ua.last_played_at
      FROM user_artist ua JOIN artist a ON a.id = ua.artist_id
      WHERE ua.user_id = ${userId} AND (ua.track_count, ua.play_count, ua.ms_played) <> (0, 0, 0)
      ORDER BY 1, 2`),
    albums: await q(sql`
      SELECT al.name, ar.name AS artist, ar.spotify_id AS artist_spotify, ua.track_count, ua.play_count,
        ua.ms_played, ua.last_played_at
      FROM user_album ua JOIN album al ON al.id = ua.album_id JOIN artist ar ON ar.id = al.artist_id
      WHERE ua.user_id = ${userId} AND (ua.track_count, ua.play_count, ua.ms_played) <> (0, 0, 0)
      ORDER BY 1, 2, 3`),
    hours: await q(sql`SELECT hour, plays, ms_played FROM user_hour_rollup
      WHERE user_id = ${userId} AND (plays, ms_played) <> (0, 0) ORDER BY hour`),
    artistMonths: await q(sql`
      SELECT m.month, a.name, a.spotify_id, m.plays, m.ms_played
      FROM user_artist_month m JOIN artist a ON a.id = m.artist_id
      WHERE m.user_id = ${userId} AND (m.plays, m.ms_played) <> (0, 0) ORDER BY 1, 2, 3`),
    albumMonths: await q(sql`
      SELECT m.month, al.name, ar.spotify_id AS artist_spotify, m.plays, m.ms_played
      FROM user_album_month m JOIN album al ON al.id = m.album_id JOIN artist ar ON ar.id = al.artist_id
      WHERE m.user_id = ${userId} AND (m.plays, m.ms_played) <> (0, 0) ORDER BY 1, 2, 3`),
  };
}
