import { sql, type Kysely } from 'kysely';
import type { DB } from '../src/db/schema.js';
import { describe, expect, it } from 'vitest';
import type { PlayToRecord } from '../src/history/play-batch.js';
import { PlayRecorder } from '../src/history/play-recorder.service.js';
import { TrackResolutionService } from '../src/library/track-resolution.service.js';
import { CatalogService } from '../src/catalog/catalog.service.js';
import { GenresRepository } from '../src/library/genres.repository.js';
import { TagsRepository } from '../src/library/tags.repository.js';
import { SpotifyCatalogRepository } from '../src/spotify/spotify-catalog.repository.js';
import { LabelStatsRepository } from '../src/stats/label-stats.repository.js';
import { RollupsRebuilder } from '../src/stats/rollups-rebuilder.service.js';
import { StatsAuditService } from '../src/stats/stats-audit.service.js';
import { createTestApp } from './support/app.js';
import { postgresAvailable, withTestDatabase } from './support/databases.js';
import { newUser } from './support/factories.js';
import { seededRandom } from '../src/common/seeded-random.js';

const WRITERS = 16;
const BATCHES_PER_WRITER = 6;
const USERS = 3;

describe.skipIf(!postgresAvailable())('concurrent recording on PostgreSQL', () => {
  it('gives way when another writer adds the Spotify id a name-keyed artist is claiming', () =>
    withTestDatabase('postgres', async (database) => {
      const app = await createTestApp(database);
      try {
        const catalog = app.get(CatalogService);
        const spotifyId = 'LowSpotifyArtist000001';
        // An export named the artist first: a name-keyed row the id would claim.
        const named = (await catalog.artistIds([{ name: 'Low' }])).get('name:low')!;
        let claimed: Promise<Map<string, number>> | undefined;
        const added = await database.db.transaction().execute(async (trx) => {
          const { id } = await trx
            .insertInto('artist')
            .values({ spotify_id: spotifyId, name: 'Low', sort_name: 'low' })
            .returning('id')
            .executeTakeFirstOrThrow();
          // The claim checks before this insert commits, then waits on it in the unique index.
          claimed = catalog.artistIds([{ name: 'Low', spotifyId }]);
          claimed.catch(() => undefined);
          await waitForLockWait(database.db);
          return id;
        });
        expect((await claimed!).get(`spotify:${spotifyId}`)).toBe(added);
        const unresolved = await database.db
          .selectFrom('artist')
          .select('spotify_id')
          .where('id', '=', named)
          .executeTakeFirstOrThrow();
        expect(unresolved.spotify_id).toBeNull();
      } finally {
        await app.close();
      }
    }));

  it(`${WRITERS} writers with overlapping batches leave every counter equal to a recount`, () =>
    withTestDatabase('postgres', async (database) => {
      const app = await createTestApp(database);
      try {
        const users = await Promise.all(Array.from({ length: USERS }, () => newUser(database.db)));
        // The same small set of plays per user, so writers collide on them all the time.
        const pool = Array.from({ length: 60 }, (_, i) => ({
          artistName: `Artist ${i % 7}`,
          trackName: `Song ${i % 20}`,
          playedAt: new Date(Date.UTC(2015 + (i % 11), i % 12, 1 + (i % 27), 12, i)),
          msPlayed: i % 9 === 0 ? 8_000 : 150_000 + i * 1000,
        }));
        // Each source reports the same play a little differently.
        const sources = [
          { source: 'spotify_export', jitterMs: 0 },
          { source: 'spotify_recent', jitterMs: 1_500 },
          { source: 'listenbrainz', jitterMs: 4_000 },
        ] as const;
        const failures: unknown[] = [];
        let recorded = 0;
        let writing = true;

        // Meanwhile users tag their tracks and edit genres, and syncs change the catalog's
        // genres: the tag and genre figures must end equal to a recount as well.
        const labellers = users.map(async (user, index) => {
          const next = seededRandom(100 + index);
          const tag = await app.get(TagsRepository).create(user.id, {
            name: 'Night',
            nameKey: 'night',
            color: null,
          });
          while (writing) {
            const { rows } = await sql<{ id: number; artist_id: number }>`
              SELECT ut.id, t.artist_id FROM user_track ut JOIN track t ON t.id = ut.track_id
              WHERE ut.user_id = ${user.id}`.execute(database.db);
            const some = rows.filter(() => next() < 0.5);
            try {
              if (some.length > 0) {
                const change = next() < 0.7 ? 'add' : 'remove';
                await app.get(TagsRepository).changeTrackTags(user.id, {
                  trackIds: some.map((r) => r.id),
                  add: change === 'add' ? [tag!.id] : [],
                  remove: change === 'remove' ? [tag!.id] : [],
                });
                const artist = some[0]!.artist_id;
                await app.get(GenresRepository).change(user.id, artist, {
                  add: next() < 0.5 ? ['night drive'] : [],
                  remove: next() < 0.5 ? ['trip hop'] : [],
                });
                await app.get(SpotifyCatalogRepository).applyArtistDetails([
                  {
                    artistId: artist,
                    imageUrl: null,
                    genres: next() < 0.5 ? ['trip hop'] : ['dub'],
                  },
                ]);
              }
            } catch (error) {
              failures.push(error);
            }
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        });

        await Promise.all(
          Array.from({ length: WRITERS }, async (_, writer) => {
            const next = seededRandom(writer + 1);
            for (let batch = 0; batch < BATCHES_PER_WRITER; batch++) {
              const user = users[Math.floor(next() * USERS)]!;
              const picks = pool.filter(() => next() < 0.4);
              try {
                // Writers also race to create the same catalog tracks from names alone.
                const trackIds = await app.get(TrackResolutionService).resolve(picks);
                const { source, jitterMs } = sources[Math.floor(next() * sources.length)]!;
                const plays: PlayToRecord[] = picks.map((p, i) => ({
                  trackId: trackIds[i]!,
                  playedAt: new Date(p.playedAt.getTime() + jitterMs),
                  msPlayed: p.msPlayed,
                  source,
                }));
                const result = await app.get(PlayRecorder).record(user.id, plays);
                recorded += result.inserted;
              } catch (error) {
                failures.push(error);
              }
            }
          }),
        );
        writing = false;
        await Promise.all(labellers);

        expect(failures).toEqual([]);
        expect((await app.get(StatsAuditService).verify()).items).toEqual([]);
        // genre figures a catalog change left behind are rebuilt, and then agree too
        await app.get(RollupsRebuilder).rebuildStale();
        expect(await app.get(LabelStatsRepository).staleUserIds()).toEqual([]);
        expect((await app.get(StatsAuditService).verify()).items).toEqual([]);
        const artists = await database.db.selectFrom('artist').select('name').execute();
        expect(artists).toHaveLength(7);
        const stored = await database.db
          .selectFrom('play_history_archive')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        expect(stored.n).toBe(recorded);
        // No play stored twice, under any of its sources' times.
        const { rows } = await database.executeSql(`
          SELECT count(*)::int AS n FROM play_history_archive a JOIN play_history_archive b
            ON a.user_id = b.user_id AND a.user_track_id = b.user_track_id
           AND a.played_at < b.played_at AND b.played_at - a.played_at < interval '1 minute'`);
        expect(rows).toEqual([{ n: 0 }]);
      } finally {
        await app.close();
      }
    }));
});

/** Until some session of this database waits on a lock (at most 10 s). */
async function waitForLockWait(db: Kysely<DB>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await sql<{ waiting: number }>`
      SELECT count(*)::int AS waiting FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(db);
    if (rows[0]!.waiting > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no session waited on a lock');
}
