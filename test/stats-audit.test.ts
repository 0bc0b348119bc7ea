import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { createCommandContext, runCommand } from '../src/cli/command-context.js';
import { PlayRecorder } from '../src/history/play-recorder.service.js';
import { LabelStatsRepository } from '../src/stats/label-stats.repository.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { newTrack, newUser } from './support/factories.js';

describeEachEngine('stats verify and rebuild', (t) => {
  const server = useTestApp(t);
  let userId: number;
  const command = (name: string, userIdOption?: number, args: object = {}) =>
    runCommand(
      createCommandContext((type) => server.app.get(type, { strict: false }), userIdOption),
      name,
      args,
    ) as Promise<{ drift: number; checked: number; items: { aggregate: string }[] }>;

  beforeAll(async () => {
    userId = (await newUser(t.db)).id;
    const { track } = await newTrack(t.db);
    const other = await newTrack(t.db);
    await server.app.get(PlayRecorder).record(userId, [
      {
        trackId: track.id,
        playedAt: new Date('2024-01-01T10:00:00Z'),
        msPlayed: 200_000,
        source: 'spotify_export',
      },
      { trackId: track.id, playedAt: new Date(), msPlayed: 200_000, source: 'spotify_recent' },
      {
        trackId: other.track.id,
        playedAt: new Date('2020-05-05T10:00:00Z'),
        msPlayed: 5_000,
        source: 'spotify_export',
      },
    ]);
  });

  it('finds no drift after recording, over hot and archived plays', async () => {
    const result = await command('stats.verify');
    expect(result).toMatchObject({ drift: 0, items: [] });
    // two user tracks, two artists, two albums
    expect(result.checked).toBeGreaterThanOrEqual(6);
  });

  it('reports every aggregate that drifted, and rebuild repairs them', async () => {
    await t.db
      .updateTable('user_track_stats')
      .set({ play_count: 7, last_played_at: new Date() })
      .where('user_id', '=', userId)
      .execute();
    await t.db
      .updateTable('user_artist')
      .set({ track_count: 5 })
      .where('user_id', '=', userId)
      .execute();
    await t.db.deleteFrom('user_album').where('user_id', '=', userId).execute();

    const drifted = await command('stats.verify', userId);
    expect(drifted.drift).toBe(6);
    expect(new Set(drifted.items.map((i) => i.aggregate))).toEqual(
      new Set(['user_track', 'user_artist', 'user_album']),
    );

    expect(await command('stats.rebuild', userId)).toEqual({ users: 1, repaired: 6 });
    expect(await command('stats.verify')).toMatchObject({ drift: 0 });
    const track = await t.db
      .selectFrom('user_track_stats')
      .select(['play_count', 'skip_count'])
      .where('user_id', '=', userId)
      .orderBy('play_count', 'desc')
      .execute();
    expect(track).toEqual([
      { play_count: 2, skip_count: 0 },
      { play_count: 0, skip_count: 1 },
    ]);
  });

  it('rebuilds with --stale only what awaits it: figures left to a rebuild', async () => {
    await sql`UPDATE user_rollup_state SET label_stats_version = NULL WHERE user_id = ${userId}`.execute(
      t.db,
    );
    expect(await server.app.get(LabelStatsRepository).usableFor(userId)).toEqual({
      tags: false,
      genres: false,
    });
    expect(await command('stats.rebuild', undefined, { stale: true })).toEqual({
      users: 1,
      repaired: 0,
    });
    expect(await server.app.get(LabelStatsRepository).usableFor(userId)).toEqual({
      tags: true,
      genres: true,
    });
    expect(await command('stats.rebuild', undefined, { stale: true })).toEqual({
      users: 0,
      repaired: 0,
    });
  });
});
