import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { PlayHistoryArchiver, PlayHistoryPartitions, partitionName } from '../src/db/partitions.js';
import type { DB } from '../src/db/schema.js';
import { PlayRecorder } from '../src/history/play-recorder.service.js';
import { StatsAuditService } from '../src/stats/stats-audit.service.js';
import { createTestApp } from './support/app.js';
import { describeEngines, withTestDatabase } from './support/databases.js';
import { newTrack, newUser } from './support/factories.js';

const parentOf = async (db: Kysely<DB>, partition: string) => {
  const { rows } = await sql<{ parent: string }>`
    SELECT p.relname AS parent FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
    WHERE i.inhrelid = ${partition}::regclass`.execute(db);
  return rows[0]?.parent ?? null;
};

/** Two months past now: the two oldest hot months are then due for the archive. */
const later = () => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 15));
};

describeEngines('archival', (engine) => {
  it('moves months past the hot window whole, and every play stays readable and counted once', () =>
    withTestDatabase(engine, async (database) => {
      const app = await createTestApp(database);
      try {
        const { db } = database;
        const partitions = app.get(PlayHistoryPartitions);
        const oldestHot = partitions.hotWindowStart(new Date());
        const user = await newUser(db);
        const { track } = await newTrack(db);
        const playedAt = new Date(Date.UTC(oldestHot.year, oldestHot.month - 1, 10, 12));
        const play = {
          trackId: track.id,
          playedAt,
          msPlayed: 200_000,
          source: 'spotify_export' as const,
        };
        await app.get(PlayRecorder).record(user.id, [play]);

        const result = await app.get(PlayHistoryArchiver).archive(later());
        expect(result.moved).toHaveLength(2);
        expect(result.moved[0]).toBe(partitionName(oldestHot));
        for (const name of result.moved)
          expect(await parentOf(db, name)).toBe('play_history_archive');

        const archived = await db.selectFrom('play_history_archive').select('played_at').execute();
        expect(archived).toEqual([{ played_at: playedAt }]);
        expect(await db.selectFrom('play_history').selectAll().execute()).toEqual([]);
        // The same play arriving again is found in its new home.
        expect(await app.get(PlayRecorder).record(user.id, [play])).toMatchObject({
          inserted: 0,
          duplicates: 1,
        });
        expect((await app.get(StatsAuditService).verify()).drift).toBe(0);

        expect(await app.get(PlayHistoryArchiver).archive(later())).toEqual({
          moved: [],
          resumed: [],
        });
      } finally {
        await app.close();
      }
    }));

  it('finishes a move that a crash cut between detach and attach', () =>
    withTestDatabase(engine, async ({ db }) => {
      const partitions = new PlayHistoryPartitions(db, 6);
      const month = partitions.hotWindowStart(new Date());
      const name = partitionName(month);
      await db
        .insertInto('history_archive_move')
        .values({ partition_name: name, step: 'detached' })
        .execute();
      await sql`ALTER TABLE play_history DETACH PARTITION ${sql.id(name)}`.execute(db);
      expect(await parentOf(db, name)).toBeNull();

      const result = await new PlayHistoryArchiver(db, partitions).archive(new Date());
      expect(result.resumed).toEqual([name]);
      expect(await parentOf(db, name)).toBe('play_history_archive');
      const move = await db
        .selectFrom('history_archive_move')
        .select('step')
        .executeTakeFirstOrThrow();
      expect(move.step).toBe('attached');
    }));

  it('finishes a move that a crash cut before the detach', () =>
    withTestDatabase(engine, async ({ db }) => {
      const partitions = new PlayHistoryPartitions(db, 6);
      const name = partitionName(partitions.hotWindowStart(new Date()));
      await db
        .insertInto('history_archive_move')
        .values({ partition_name: name, step: 'detaching' })
        .execute();

      const result = await new PlayHistoryArchiver(db, partitions).archive(new Date());
      expect(result).toEqual({ moved: [], resumed: [name] });
      expect(await parentOf(db, name)).toBe('play_history_archive');
    }));
});
