import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import type { PlayToRecord } from '../src/history/play-batch.js';
import { PlayRecorder } from '../src/history/play-recorder.service.js';
import { TrackMergeService } from '../src/library/track-merge.service.js';
import { TrackResolutionService } from '../src/library/track-resolution.service.js';
import { AggregatesAuditRepository } from '../src/stats/aggregates-audit.repository.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { newTrack, newUser } from './support/factories.js';

let songs = 0;

describeEachEngine('merging an unresolved track into the resolved one', (t) => {
  const server = useTestApp(t);
  let alice: number;
  let bob: number;
  let unresolvedId: number;
  let resolved: Awaited<ReturnType<typeof newTrack>>['track'];
  // a song of its own per test: the catalog is shared by the file's tests
  let song: { artistName: string; trackName: string };

  const record = (userId: number, trackId: number, plays: [string, PlayToRecord['source']][]) =>
    server.app.get(PlayRecorder).record(
      userId,
      plays.map(([iso, source]) => ({
        trackId,
        playedAt: new Date(iso),
        msPlayed: 200_000,
        source,
      })),
    );
  const playsOf = (userId: number, table: 'play_history' | 'play_history_archive') =>
    t.db
      .selectFrom(table)
      .innerJoin('user_track', (j) =>
        j
          .onRef('user_track.id', '=', `${table}.user_track_id`)
          .onRef('user_track.user_id', '=', `${table}.user_id`),
      )
      .select(['user_track.track_id', `${table}.played_at`])
      .where(`${table}.user_id`, '=', userId)
      .orderBy(`${table}.played_at`)
      .execute();
  const libraryRow = (userId: number, trackId: number) =>
    t.db
      .selectFrom('user_track')
      .innerJoin('user_track_stats as s', (j) =>
        j
          .onRef('s.user_id', '=', 'user_track.user_id')
          .onRef('s.user_track_id', '=', 'user_track.id'),
      )
      .selectAll('user_track')
      .select('s.play_count')
      .where('user_track.user_id', '=', userId)
      .where('track_id', '=', trackId)
      .executeTakeFirst();
  const drift = async (userId: number) =>
    (await server.app.get(AggregatesAuditRepository).findDrift(userId)).drift;

  beforeEach(async () => {
    alice = (await newUser(t.db)).id;
    bob = (await newUser(t.db)).id;
    song = { artistName: 'Björk', trackName: `Jóga ${++songs}` };
    // Account data first: the song is known by name only.
    unresolvedId = (await server.app.get(TrackResolutionService).resolve([song]))[0]!;
    // Meanwhile another writer created the resolved track without seeing it (a race).
    // Named apart until the plays below are in: a writer that sees both tracks
    // counts their plays at one time once, and the race leaves both recorded.
    const racing = `${song.trackName} (racing)`;
    resolved = (await newTrack(t.db, { name: racing, artist: song.artistName })).track;

    // Alice heard it three times by account data (minute precision) ...
    await record(alice, unresolvedId, [
      ['2019-05-01T10:03:00Z', 'spotify_account_export'],
      ['2020-01-01T12:00:00Z', 'spotify_account_export'],
      [
        new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 16) + ':00Z',
        'spotify_account_export',
      ],
    ]);
    // ... and the extended export holds two of those plays again, plus one more.
    await record(alice, resolved.id, [
      ['2019-05-01T10:03:41Z', 'spotify_export'],
      [new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 16) + ':30Z', 'spotify_export'],
      ['2022-02-02T02:02:02Z', 'spotify_export'],
    ]);
    await record(bob, unresolvedId, [['2021-07-07T07:07:00Z', 'spotify_account_export']]);
    await sql`UPDATE track SET name = u.name, sort_name = u.sort_name
      FROM track u WHERE u.id = ${unresolvedId} AND track.id = ${resolved.id}`.execute(t.db);

    const tag = await t.db
      .insertInto('tag')
      .values({ user_id: alice, name: 'Favourite', name_key: 'favourite', sort_key: 'favourite' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const aliceUnresolved = (await libraryRow(alice, unresolvedId))!;
    await t.db
      .updateTable('user_track')
      .set({ rating: 9, liked: true })
      .where('user_id', '=', alice)
      .where('id', '=', aliceUnresolved.id)
      .execute();
    await t.db
      .insertInto('track_tag')
      .values({ user_id: alice, user_track_id: aliceUnresolved.id, tag_id: tag.id })
      .execute();
  });

  it('moves plays (hot and archived) once, keeps the library row, and leaves no drift', async () => {
    const result = await server.app.get(TrackMergeService).merge(unresolvedId, resolved.id);
    // Alice: 3 moved, 2 of them already there. Bob: 1 moved.
    expect(result).toEqual({ users: 2, playsMoved: 2, duplicatesDropped: 2 });

    const hot = await playsOf(alice, 'play_history');
    const archived = await playsOf(alice, 'play_history_archive');
    expect(hot).toHaveLength(1);
    expect(archived.map((p) => p.played_at.toISOString())).toEqual([
      '2019-05-01T10:03:41.000Z',
      '2020-01-01T12:00:00.000Z',
      '2022-02-02T02:02:02.000Z',
    ]);
    expect([...hot, ...archived].every((p) => p.track_id === resolved.id)).toBe(true);

    expect(await libraryRow(alice, unresolvedId)).toBeUndefined();
    const aliceRow = (await libraryRow(alice, resolved.id))!;
    expect(aliceRow).toMatchObject({ play_count: 4, rating: 9, liked: true });
    expect(aliceRow.added_at).toEqual(new Date('2019-05-01T10:03:00Z'));
    const tags = await t.db
      .selectFrom('track_tag')
      .select('user_track_id')
      .where('user_id', '=', alice)
      .execute();
    expect(tags).toEqual([{ user_track_id: aliceRow.id }]);
    expect(await libraryRow(bob, resolved.id)).toMatchObject({ play_count: 1 });

    const catalog = await t.db
      .selectFrom('track')
      .select('id')
      .where('id', '=', unresolvedId)
      .execute();
    expect(catalog).toEqual([]);
    expect(await drift(alice)).toEqual([]);
    expect(await drift(bob)).toEqual([]);
  });

  it('is what happens when a later import names the track by its Spotify id', async () => {
    const ids = await server.app
      .get(TrackResolutionService)
      .resolve([{ ...song, spotifyId: resolved.spotify_id! }]);
    expect(ids).toEqual([resolved.id]);
    expect(await libraryRow(alice, unresolvedId)).toBeUndefined();
    expect(await libraryRow(alice, resolved.id)).toMatchObject({ play_count: 4 });
    expect(await drift(alice)).toEqual([]);
  });
});
