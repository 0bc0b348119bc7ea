import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { Migrator } from '../src/db/migrator.js';
import { PlayHistoryPartitions } from '../src/db/partitions.js';
import { describeSchema } from './support/catalog.js';
import { createTestDatabase, describeEachEngine, postgresAvailable } from './support/databases.js';
import { newTrack, newUser, newUserTrack } from './support/factories.js';
import { TEST_HOT_MONTHS } from './support/test-env.js';

const CHECK_VIOLATION = '23514';

describeEachEngine('schema', (t) => {
  let userId: number;
  let userTrackId: number;

  beforeAll(async () => {
    userId = (await newUser(t.db)).id;
    userTrackId = (await newUserTrack(t.db, userId)).id;
  });

  it("plans every session with Spotlib's settings, whatever the server's defaults", async () => {
    const { rows } = await sql<{ jit: string; random_page_cost: string }>`
      SELECT current_setting('jit') AS jit, current_setting('random_page_cost') AS random_page_cost`.execute(
      t.db,
    );
    expect(rows[0]).toEqual({ jit: 'off', random_page_cost: '1.1' });
  });

  describe('CHECK constraints refuse bad rows', () => {
    const badUpdates: [string, () => Promise<unknown>][] = [
      ['a rating of 11 half-stars', () => updateUserTrack({ rating: 11 })],
      ['a negative rating', () => updateUserTrack({ rating: -1 })],
      ['a negative play count', () => updateCounters({ play_count: -1 })],
      ['a negative skip count', () => updateCounters({ skip_count: -1 })],
      ['negative ms played', () => updateCounters({ ms_played: -5 })],
      ['plays without a last played time', () => updateCounters({ play_count: 3 })],
      [
        'a negative artist aggregate',
        async () => {
          const { artist } = await newTrack(t.db);
          await t.db
            .insertInto('user_artist')
            .values({ user_id: userId, artist_id: artist.id, play_count: -1 })
            .execute();
        },
      ],
      [
        'a tag colour that is not #rrggbb',
        () =>
          t.db
            .insertInto('tag')
            .values({
              user_id: userId,
              name: 'Red',
              name_key: 'red',
              sort_key: 'red',
              color: 'red',
            })
            .execute(),
      ],
      [
        'a username with spaces',
        () => t.db.insertInto('app_user').values({ username: 'two words' }).execute(),
      ],
      [
        'a play threshold of ten minutes and one',
        () =>
          t.db
            .updateTable('user_settings')
            .set({ play_threshold_ms: 600_001 })
            .where('user_id', '=', userId)
            .execute(),
      ],
      [
        'a smart playlist limit without its order',
        () =>
          t.db
            .insertInto('smart_playlist')
            .values({ user_id: userId, name: 'Top', limit_count: 10, limit_unit: 'tracks' })
            .execute(),
      ],
      [
        'a rule group carrying a field',
        async () => {
          const playlist = await t.db
            .insertInto('smart_playlist')
            .values({ user_id: userId, name: 'Groups' })
            .returning('id')
            .executeTakeFirstOrThrow();
          await t.db
            .insertInto('smart_playlist_rule')
            .values({
              user_id: userId,
              smart_playlist_id: playlist.id,
              position: 0,
              depth: 1,
              kind: 'group',
              match: 'all',
              field: 'RATING',
            })
            .execute();
        },
      ],
    ];

    it.each(badUpdates)('%s', async (_name, write) => {
      await expect(write()).rejects.toMatchObject({ code: CHECK_VIOLATION });
    });

    it('accepts the edges of the valid ranges', async () => {
      await updateUserTrack({ rating: 10 });
      await updateUserTrack({ rating: 0 });
      const row = await t.db
        .selectFrom('user_track')
        .select('rating')
        .where('id', '=', userTrackId)
        .executeTakeFirstOrThrow();
      expect(row.rating).toBe(0);
    });
  });

  describe('play history partitions', () => {
    const play = (playedAt: string) => ({
      user_id: userId,
      user_track_id: userTrackId,
      played_at: playedAt,
      ms_played: 180_000,
      source: 'spotify_export' as const,
    });

    it('stores a 2009 play in its month, in the archive', async () => {
      await t.db.insertInto('play_history_archive').values(play('2009-03-15T20:00:00Z')).execute();
      const { rows } = await sql<{ partition: string }>`
        SELECT tableoid::regclass::text AS partition FROM play_history_archive
        WHERE user_id = ${userId} AND played_at = '2009-03-15T20:00:00Z'`.execute(t.db);
      expect(rows).toEqual([{ partition: 'play_history_2009_03' }]);
    });

    it('stores a recent play in its month of the hot table', async () => {
      const now = new Date();
      await t.db.insertInto('play_history').values(play(now.toISOString())).execute();
      const { rows } = await sql<{ partition: string }>`
        SELECT tableoid::regclass::text AS partition FROM play_history
        WHERE user_id = ${userId} AND played_at = ${now}`.execute(t.db);
      const month = String(now.getUTCMonth() + 1).padStart(2, '0');
      expect(rows).toEqual([{ partition: `play_history_${now.getUTCFullYear()}_${month}` }]);
    });

    it('refuses a play before 2008 and one beyond the months created ahead', async () => {
      for (const table of ['play_history', 'play_history_archive'] as const) {
        await expect(
          t.db.insertInto(table).values(play('2007-12-31T23:59:59Z')).execute(),
        ).rejects.toMatchObject({ code: CHECK_VIOLATION });
        await expect(
          t.db.insertInto(table).values(play('2099-01-01T00:00:00Z')).execute(),
        ).rejects.toMatchObject({ code: CHECK_VIOLATION });
      }
    });

    it('has every month from 2008-01 to three months ahead, each in one table', async () => {
      const partitions = await new PlayHistoryPartitions(t.db, TEST_HOT_MONTHS).list();
      const now = new Date();
      const expected = (now.getUTCFullYear() - 2008) * 12 + now.getUTCMonth() + 1 + 3;
      expect(partitions).toHaveLength(expected);
      expect(partitions.filter((p) => p.table === 'play_history')).toHaveLength(
        TEST_HOT_MONTHS + 3,
      );
      expect(new Set(partitions.map((p) => p.name)).size).toBe(expected);
    });

    it('has no DEFAULT partition', async () => {
      const { rows } = await sql<{ count: number }>`
        SELECT count(*)::int AS count FROM pg_class
        WHERE relispartition AND pg_get_expr(relpartbound, oid) = 'DEFAULT'`.execute(t.db);
      expect(rows[0]?.count).toBe(0);
    });
  });

  it('migrating again changes nothing', async () => {
    const before = await describeSchema(t.db);
    expect(await new Migrator(t.db).migrate()).toEqual({ applied: [] });
    expect(await new PlayHistoryPartitions(t.db, TEST_HOT_MONTHS).ensure()).toEqual({
      created: [],
    });
    expect(await describeSchema(t.db)).toEqual(before);
  });

  async function updateUserTrack(values: Record<string, number>) {
    await t.db.updateTable('user_track').set(values).where('id', '=', userTrackId).execute();
  }

  async function updateCounters(values: Record<string, number>) {
    await t.db
      .updateTable('user_track_stats')
      .set(values)
      .where('user_track_id', '=', userTrackId)
      .execute();
  }
});

describe.skipIf(!postgresAvailable())('both engines', () => {
  it('end with the same tables, columns, constraints, indexes, enums and partitions', async () => {
    const pglite = await createTestDatabase('pglite');
    const postgres = await createTestDatabase('postgres');
    try {
      const [a, b] = await Promise.all([
        describeSchema(pglite.database.db),
        describeSchema(postgres.database.db),
      ]);
      expect(a.columns.length).toBeGreaterThan(100);
      expect(a).toEqual(b);
    } finally {
      await pglite.drop();
      await postgres.drop();
    }
  });
});
