import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { SPAN_READ_TRACKS } from '../src/history/history.repository.js';
import { PlayRecorder } from '../src/history/play-recorder.service.js';
import { LibraryMembershipService } from '../src/library/library-membership.service.js';
import { StatsAuditService } from '../src/stats/stats-audit.service.js';
import type { PlayToRecord } from '../src/history/play-batch.js';
import { AggregatesAuditRepository } from '../src/stats/aggregates-audit.repository.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { newTrack, newUser } from './support/factories.js';

const at = (iso: string) => new Date(iso);

describeEachEngine('recording plays', (t) => {
  const server = useTestApp(t);
  let userId: number;
  let song: Awaited<ReturnType<typeof newTrack>>;
  const recorder = () => server.app.get(PlayRecorder);
  const record = (plays: PlayToRecord[]) => recorder().record(userId, plays);
  const play = (playedAt: string, extra: Partial<PlayToRecord> = {}): PlayToRecord => ({
    trackId: song.track.id,
    playedAt: at(playedAt),
    msPlayed: 180_000,
    source: 'spotify_export',
    ...extra,
  });
  const userTrack = () =>
    t.db
      .selectFrom('user_track')
      .innerJoin('user_track_stats as s', (j) =>
        j
          .onRef('s.user_id', '=', 'user_track.user_id')
          .onRef('s.user_track_id', '=', 'user_track.id'),
      )
      .select(['play_count', 'skip_count', 'ms_played', 'last_played_at', 'added_at'])
      .where('user_track.user_id', '=', userId)
      .where('track_id', '=', song.track.id)
      .executeTakeFirstOrThrow();
  const noDrift = async () =>
    expect((await server.app.get(AggregatesAuditRepository).findDrift(userId)).drift).toEqual([]);

  beforeEach(async () => {
    userId = (await newUser(t.db)).id;
    song = await newTrack(t.db, { name: 'Jóga', artist: 'Björk', album: 'Homogenic' });
  });

  it('records a batch once and moves every counter by it', async () => {
    const batch = [
      play('2024-03-01T10:00:00Z'),
      play('2024-03-02T10:00:00Z'),
      play('2024-03-03T10:00:00Z', { msPlayed: 10_000 }),
    ];
    expect(await record(batch)).toMatchObject({ inserted: 3, duplicates: 0 });
    expect(await userTrack()).toMatchObject({
      play_count: 2,
      skip_count: 1,
      ms_played: 370_000,
      last_played_at: at('2024-03-02T10:00:00Z'),
      added_at: at('2024-03-01T10:00:00Z'),
    });
    const artist = await t.db
      .selectFrom('user_artist')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    expect(artist).toMatchObject({
      artist_id: song.artist.id,
      track_count: 1,
      play_count: 2,
      ms_played: 370_000,
      last_played_at: at('2024-03-02T10:00:00Z'),
    });
    const album = await t.db
      .selectFrom('user_album')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    expect(album).toMatchObject({ album_id: song.album.id, track_count: 1, play_count: 2 });

    expect(await record(batch)).toMatchObject({ inserted: 0, duplicates: 3 });
    expect((await userTrack()).play_count).toBe(2);
    await noDrift();
  });

  it('counts a row the export repeats once', async () => {
    const row = play('2024-03-01T10:00:00Z');
    expect(await record([row, { ...row }, { ...row }])).toMatchObject({
      inserted: 1,
      duplicates: 2,
    });
    await noDrift();
  });

  it('never collapses a short track on repeat', async () => {
    const short = { msPlayed: 31_000 };
    const batch = [0, 31, 62, 93].map((s) =>
      play(new Date(Date.UTC(2024, 2, 1, 10, 0, s)).toISOString(), short),
    );
    expect(await record(batch)).toMatchObject({ inserted: 4, duplicates: 0 });
    expect(await record(batch)).toMatchObject({ inserted: 0, duplicates: 4 });
    expect((await userTrack()).play_count).toBe(4);
  });

  it('knows a polled play that the export brings again, seconds apart', async () => {
    await record([play('2024-03-01T10:00:03.500Z', { source: 'spotify_recent' })]);
    expect(await record([play('2024-03-01T10:00:00Z')])).toMatchObject({
      inserted: 0,
      duplicates: 1,
    });
    expect(await record([play('2024-03-01T10:07:00Z')])).toMatchObject({
      inserted: 1,
      duplicates: 0,
    });
    await noDrift();
  });

  describe('account data, which only knows the minute', () => {
    const minute = (iso: string, ms = 180_000) =>
      play(iso, { source: 'spotify_account_export', msPlayed: ms });

    it("matches a namesake's record (one song, two Spotify ids), but no two precise plays", async () => {
      const single = (await newTrack(t.db, { name: 'Jóga', artist: 'Björk', album: 'Jóga' })).track;
      const ofSingle = (iso: string) => play(iso, { trackId: single.id });
      await record([ofSingle('2024-03-01T10:03:25Z')]);
      // account data names the song: its minute is the single's play
      expect(await record([minute('2024-03-01T10:03:00Z')])).toMatchObject({
        inserted: 0,
        duplicates: 1,
      });
      // a minute recorded first is the play the export later states of the single
      expect(await record([minute('2024-03-02T09:00:00Z')])).toMatchObject({
        inserted: 1,
        duplicates: 0,
      });
      expect(await record([ofSingle('2024-03-02T09:00:41Z')])).toMatchObject({
        inserted: 0,
        duplicates: 1,
      });
      // the export tells the two apart by their ids: two plays
      await record([play('2024-03-03T08:00:00Z')]);
      expect(await record([ofSingle('2024-03-03T08:00:00Z')])).toMatchObject({
        inserted: 1,
        duplicates: 0,
      });
      // and the account data's two rows of that minute are those two plays
      expect(
        await record([minute('2024-03-03T08:00:00Z'), minute('2024-03-03T08:00:00Z', 40_000)]),
      ).toMatchObject({ inserted: 0, duplicates: 2 });
      // a scrobbler names the song too: its listen is the single's play Spotify reported
      await record([
        play('2024-03-04T08:00:00Z', { trackId: single.id, source: 'spotify_recent' }),
      ]);
      expect(
        await record([play('2024-03-04T08:00:00.400Z', { source: 'listenbrainz' })]),
      ).toMatchObject({ inserted: 0, duplicates: 1 });
      // a scrobble states a track's whole length, not the time it played: a listen
      // stopped past its half, scrobbled, is still the polled play 50 s from its end
      await record([
        play('2024-03-05T10:02:30Z', { trackId: single.id, source: 'spotify_recent' }),
      ]);
      expect(
        await record([play('2024-03-05T10:03:20Z', { source: 'listenbrainz', msPlayed: 200_000 })]),
      ).toMatchObject({ inserted: 0, duplicates: 1 });
      // but Spotify's own records name their ids: a skip of the album version 40 s
      // before the single's polled play is another play
      await record([
        play('2024-03-06T10:00:50Z', { trackId: single.id, source: 'spotify_recent' }),
      ]);
      expect(await record([play('2024-03-06T10:00:10Z', { msPlayed: 25_000 })])).toMatchObject({
        inserted: 1,
        duplicates: 0,
      });
      await noDrift();
    });

    it("keeps a minute's play apart from the next minute's", async () => {
      await record([minute('2024-03-01T10:02:00Z')]);
      expect(await record([minute('2024-03-01T10:03:00Z')])).toMatchObject({
        inserted: 1,
        duplicates: 0,
      });
      expect((await userTrack()).play_count).toBe(2);
    });

    it('matches a precise play within that minute', async () => {
      await record([play('2024-03-01T10:03:25Z')]);
      expect(await record([minute('2024-03-01T10:03:00Z')])).toMatchObject({
        inserted: 0,
        duplicates: 1,
      });
    });

    it('adds only the surplus when a minute holds more plays than are known', async () => {
      await record([play('2024-03-01T10:03:25Z', { msPlayed: 20_000 })]);
      const twoInOneMinute = [
        minute('2024-03-01T10:03:00Z', 20_000),
        minute('2024-03-01T10:03:00Z', 21_000),
      ];
      expect(await record(twoInOneMinute)).toMatchObject({ inserted: 1, duplicates: 1 });
      expect(await record(twoInOneMinute)).toMatchObject({ inserted: 0, duplicates: 2 });
      expect((await userTrack()).skip_count).toBe(2);
      await noDrift();
    });

    it("spreads a minute's surplus plays past the milliseconds recorded plays hold", async () => {
      // The minute's plays are spread a millisecond apart (…:00.000, .001, .002); the
      // one precise play known ends on .001 and matches one of them: the two surplus
      // plays are placed after it, not skipped for its key.
      await record([play('2024-03-01T10:03:00.001Z', { msPlayed: 20_000 })]);
      const threeInOneMinute = [1, 2, 3].map((n) => minute('2024-03-01T10:03:00Z', 20_000 + n));
      expect(await record(threeInOneMinute)).toMatchObject({ inserted: 2, duplicates: 1 });
      expect(await record(threeInOneMinute)).toMatchObject({ inserted: 0, duplicates: 3 });
      expect((await userTrack()).skip_count).toBe(3);
      await noDrift();
    });

    it('takes rows of one minute spread over milliseconds as one group (a track merge moves them so)', async () => {
      await record([minute('2024-03-01T10:03:00.000Z', 50_000)]);
      const spread = [
        minute('2024-03-01T10:03:00.000Z', 60_000),
        minute('2024-03-01T10:03:00.001Z', 70_000),
      ];
      expect(await record(spread)).toMatchObject({ inserted: 2, duplicates: 0 });
      expect(await record(spread)).toMatchObject({ inserted: 0, duplicates: 2 });
      expect((await userTrack()).play_count).toBe(3);
      await noDrift();
    });

    it("counts a minute's plays that come in two batches each once", async () => {
      // a window or a file of the account data ends between one minute's two plays
      await record([minute('2024-03-01T10:03:00Z', 100_000)]);
      expect(await record([minute('2024-03-01T10:03:00Z', 100_001)])).toMatchObject({
        inserted: 1,
        duplicates: 0,
      });
      const both = [
        minute('2024-03-01T10:03:00Z', 100_001),
        minute('2024-03-01T10:03:00Z', 100_000),
      ];
      expect(await record(both)).toMatchObject({ inserted: 0, duplicates: 2 });
      expect(await userTrack()).toMatchObject({ play_count: 2, ms_played: 200_001 });
      await noDrift();
    });

    it('counts a play that both sources state in one batch once, keeping the precise record', async () => {
      const batch = [minute('2024-03-01T10:03:00Z'), play('2024-03-01T10:03:25Z')];
      expect(await record(batch)).toMatchObject({ inserted: 1, duplicates: 1 });
      const { rows } = await sql<{ source: string }>`
        SELECT source::text FROM play_history_archive WHERE user_id = ${userId}`.execute(t.db);
      expect(rows).toEqual([{ source: 'spotify_export' }]);
      await noDrift();
    });
  });

  it('finds known plays the same way in a batch of many tracks, read by span', async () => {
    // SPAN_READ_TRACKS tracks by one artist on one album, as an import's chunk holds them
    const { rows: tracks } = await sql<{ id: number }>`
      INSERT INTO track (name, sort_name, artist_id, album_id, spotify_id)
      SELECT 'Many ' || n, 'many ' || n, ${song.artist.id}, ${song.album.id}, 'many' || n || '-' || ${userId}
      FROM generate_series(1, ${SPAN_READ_TRACKS}) AS n RETURNING id`.execute(t.db);
    // two plays of each track, on whole minutes ten minutes apart
    const endedAt = (i: number) => new Date(Date.UTC(2024, 2, 1) + i * 600_000).toISOString();
    const batch = tracks.flatMap(({ id }, i) => [
      play(endedAt(2 * i), { trackId: id }),
      play(endedAt(2 * i + 1), { trackId: id }),
    ]);
    const known = batch.filter((_, i) => i % 3 === 0);
    expect(await record(known)).toMatchObject({ inserted: known.length, duplicates: 0 });
    // the same plays again, some of them as account data states them (to the minute)
    const restated = batch.map((p, i) =>
      i % 6 === 0 ? { ...p, source: 'spotify_account_export' as const } : p,
    );
    const fresh = batch.length - known.length;
    expect(await record(restated)).toMatchObject({ inserted: fresh, duplicates: known.length });
    expect(await record(batch)).toMatchObject({ inserted: 0, duplicates: batch.length });
    await noDrift();
  });

  it('writes an old play to the archive and finds it there again', async () => {
    expect(await record([play('2015-06-01T12:00:00Z')])).toMatchObject({
      inserted: 1,
      duplicates: 0,
    });
    const archived = await t.db
      .selectFrom('play_history_archive')
      .select('played_at')
      .where('user_id', '=', userId)
      .execute();
    expect(archived).toEqual([{ played_at: at('2015-06-01T12:00:00Z') }]);
    expect(await record([play('2015-06-01T12:00:00Z')])).toMatchObject({
      inserted: 0,
      duplicates: 1,
    });
    await noDrift();
  });

  it('honours the user play threshold', async () => {
    await t.db
      .updateTable('user_settings')
      .set({ play_threshold_ms: 5_000 })
      .where('user_id', '=', userId)
      .execute();
    await record([play('2024-03-01T10:00:00Z', { msPlayed: 10_000 })]);
    expect(await userTrack()).toMatchObject({ play_count: 1, skip_count: 0 });
  });

  it('keeps users apart', async () => {
    const other = await newUser(t.db);
    await record([play('2024-03-01T10:00:00Z')]);
    expect(await recorder().record(other.id, [play('2024-03-01T10:00:00Z')])).toMatchObject({
      inserted: 1,
      duplicates: 0,
    });
    await noDrift();
  });
});

describeEachEngine('library membership', (t) => {
  const server = useTestApp(t);

  it('keeps track counts right when tracks are liked and removed', async () => {
    const user = await newUser(t.db);
    const a = await newTrack(t.db, { artist: 'Portishead', album: 'Dummy' });
    const b = await newTrack(t.db, { artist: 'Massive Attack', album: 'Mezzanine' });
    const membership = server.app.get(LibraryMembershipService);
    const recorder = server.app.get(PlayRecorder);
    const artist = (artistId: number) =>
      t.db
        .selectFrom('user_artist')
        .select(['track_count', 'play_count', 'ms_played'])
        .where('user_id', '=', user.id)
        .where('artist_id', '=', artistId)
        .executeTakeFirstOrThrow();

    await recorder.record(user.id, [
      {
        trackId: a.track.id,
        playedAt: at('2024-01-01T10:00:00Z'),
        msPlayed: 100_000,
        source: 'spotify_export',
      },
    ]);
    expect(
      await membership.like(user.id, [
        { trackId: a.track.id, addedAt: at('2023-01-01T00:00:00Z') },
        { trackId: b.track.id, addedAt: at('2023-01-01T00:00:00Z') },
      ]),
    ).toEqual({ added: 1, newlyLiked: 2 });
    expect(await artist(a.artist.id)).toEqual({
      track_count: 1,
      play_count: 1,
      ms_played: 100_000,
    });
    expect(await artist(b.artist.id)).toMatchObject({ track_count: 1, play_count: 0 });
    const liked = await t.db
      .selectFrom('user_track')
      .select(['liked', 'added_at'])
      .where('user_id', '=', user.id)
      .execute();
    expect(liked).toEqual([
      { liked: true, added_at: at('2023-01-01T00:00:00Z') },
      { liked: true, added_at: at('2023-01-01T00:00:00Z') },
    ]);

    const userTrackA = await t.db
      .selectFrom('user_track')
      .select('id')
      .where('track_id', '=', a.track.id)
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(await membership.remove(user.id, [userTrackA.id])).toEqual({ removed: 1 });
    expect(await artist(a.artist.id)).toEqual({ track_count: 0, play_count: 0, ms_played: 0 });
    // its plays leave with it (explicitly: the history has no foreign key to cascade)
    const { rows: leftPlays } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM (SELECT user_id, user_track_id FROM play_history
        UNION ALL SELECT user_id, user_track_id FROM play_history_archive) p
      WHERE user_id = ${user.id} AND user_track_id = ${userTrackA.id}`.execute(t.db);
    expect(leftPlays).toEqual([{ n: 0 }]);
    expect((await server.app.get(StatsAuditService).verify(user.id)).drift).toBe(0);
  });

  it.each([
    ['before 2008', { playedAt: at('2007-12-31T23:00:00Z') }, /before 2008/],
    ['in the future', { playedAt: new Date(Date.now() + 86_400_000) }, /future/],
    ['negative', { msPlayed: -1 }, /implausible/],
    ['absurdly long', { msPlayed: 13 * 3600_000 }, /implausible/],
  ])('refuses a whole batch with a play %s', async (_name, bad, message) => {
    const user = await newUser(t.db);
    const { track } = await newTrack(t.db);
    const good = {
      trackId: track.id,
      playedAt: at('2024-01-01T10:00:00Z'),
      msPlayed: 100_000,
      source: 'spotify_export' as const,
    };
    await expect(
      server.app.get(PlayRecorder).record(user.id, [good, { ...good, ...bad }]),
    ).rejects.toThrow(message);
    const rows = await t.db
      .selectFrom('user_track')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    expect(rows).toEqual([]);
  });
});
