import { describe, expect, it } from 'vitest';
import type { PlayToRecord } from '../src/history/play-batch.js';
import { PlayRecorder } from '../src/history/play-recorder.service.js';
import { TrackResolutionService } from '../src/library/track-resolution.service.js';
import { StatsAuditService } from '../src/stats/stats-audit.service.js';
import { createTestApp } from './support/app.js';
import { postgresAvailable, withTestDatabase } from './support/databases.js';
import { newUser } from './support/factories.js';
import { seededRandom } from '../src/common/seeded-random.js';

const WRITERS = 16;
const BATCHES_PER_WRITER = 6;
const USERS = 3;

describe.skipIf(!postgresAvailable())('concurrent recording on PostgreSQL', () => {
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

        expect(failures).toEqual([]);
        expect((await app.get(StatsAuditService).verify()).drift).toBe(0);
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
