import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { CatalogService } from '../src/catalog/catalog.service.js';
import { PlayRecorder } from '../src/history/play-recorder.service.js';
import { LibraryMembershipService } from '../src/library/library-membership.service.js';
import { TrackMergeService } from '../src/library/track-merge.service.js';
import { SpotifyCatalogRepository } from '../src/spotify/spotify-catalog.repository.js';
import { LabelStatsRepository } from '../src/stats/label-stats.repository.js';
import { RollupsRebuilder } from '../src/stats/rollups-rebuilder.service.js';
import { StatsAuditService } from '../src/stats/stats-audit.service.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';

/**
 * The all-time figures per tag and per genre follow every writer of what
 * they sum: plays, tagging, the user's genre edits, tracks leaving or
 * merging, and (by a rebuild) the catalog's genres. Figures by hand.
 */
describeEachEngine('tag and genre figures', (t) => {
  const server = useTestApp(t);
  let me: number;
  const tracks = {} as Record<'teardrop' | 'angel' | 'roads', { trackId: number; id: number }>;
  let artists: { massive: number; portishead: number };
  let night: number;

  const inject = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
    const response = await server.app.inject({ method, url, ...(payload ? { payload } : {}) });
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
    return response.json<{ items: { name: string; plays: number; msPlayed: number }[] }>();
  };
  const top = async (kind: 'tags' | 'genres') =>
    (await inject('GET', `/api/stats/top-${kind}`)).items.map((i) => [i.name, i.plays, i.msPlayed]);
  const stored = async (kind: 'tags' | 'genres') => {
    const { rows } = await sql<{ name: string; play_count: number; ms_played: number }>`${
      kind === 'tags'
        ? sql`SELECT g.name, s.play_count, s.ms_played FROM user_tag_stats s
            JOIN tag g ON g.user_id = s.user_id AND g.id = s.tag_id`
        : sql`SELECT g.name, s.play_count, s.ms_played FROM user_genre_stats s
            JOIN genre g ON g.id = s.genre_id`
    } WHERE s.user_id = ${me} AND s.play_count > 0 ORDER BY s.play_count DESC, g.name`.execute(
      t.db,
    );
    return rows.map((r) => [r.name, r.play_count, r.ms_played]);
  };
  const play = (name: keyof typeof tracks, at: string, msPlayed: number) =>
    server.app.get(PlayRecorder).record(me, [
      {
        trackId: tracks[name].trackId,
        playedAt: new Date(at),
        msPlayed,
        source: 'spotify_export',
      },
    ]);
  const usable = () => server.app.get(LabelStatsRepository).usableFor(me);
  const expectNoDrift = async () =>
    expect((await server.app.get(StatsAuditService).verify(me)).items).toEqual([]);

  beforeAll(async () => {
    me = (await server.app.get(LocalUserService).get()).id;
    const names = ['teardrop', 'angel', 'roads'] as const;
    const { trackIds } = await server.app.get(CatalogService).resolveTracks([
      { spotifyId: 'lsTeardrop', artistName: 'Massive Attack', trackName: 'Teardrop' },
      { spotifyId: 'lsAngel', artistName: 'Massive Attack', trackName: 'Angel' },
      { spotifyId: 'lsRoads', artistName: 'Portishead', trackName: 'Roads' },
    ]);
    const { rows } = await sql<{ id: number; artist_id: number }>`
      SELECT id, artist_id FROM track WHERE id = ANY(${trackIds}::bigint[]) ORDER BY id`.execute(
      t.db,
    );
    const artistOf = (i: number) => rows.find((r) => r.id === trackIds[i])!.artist_id;
    artists = { massive: artistOf(0), portishead: artistOf(2) };
    await server.app.get(SpotifyCatalogRepository).applyArtistDetails([
      { artistId: artists.massive, imageUrl: null, genres: ['trip hop'] },
      { artistId: artists.portishead, imageUrl: null, genres: ['trip hop'] },
    ]);
    names.forEach((name, i) => (tracks[name] = { trackId: trackIds[i]!, id: 0 }));
    await play('teardrop', '2024-01-01T10:00:00Z', 200_000);
    await play('teardrop', '2024-01-02T10:00:00Z', 200_000);
    await play('roads', '2024-01-03T10:00:00Z', 100_000);
    await play('angel', '2024-01-04T10:00:00Z', 10_000); // a skip: its time counts, not a play
    const { rows: own } = await sql<{ id: number; track_id: number }>`
      SELECT id, track_id FROM user_track WHERE user_id = ${me}`.execute(t.db);
    for (const name of names)
      tracks[name].id = own.find((r) => r.track_id === tracks[name].trackId)!.id;
    // the genres came after this user's figures were first made: a rebuild catches up
    await server.app.get(LabelStatsRepository).rebuild(me);
    night = (
      await server.app.inject({ method: 'POST', url: '/api/tags', payload: { name: 'Night' } })
    ).json<{ id: number }>().id;
  });

  it('adds a tagged track’s plays and takes an untagged one’s away', async () => {
    await inject('POST', '/api/tracks/tags', {
      trackIds: [tracks.teardrop.id, tracks.roads.id],
      add: [night],
    });
    expect(await stored('tags')).toEqual([['Night', 3, 500_000]]);
    await play('roads', '2024-02-01T10:00:00Z', 50_000);
    expect(await stored('tags')).toEqual([['Night', 4, 550_000]]);
    await inject('POST', '/api/tracks/tags', { trackIds: [tracks.roads.id], remove: [night] });
    expect(await stored('tags')).toEqual([['Night', 2, 400_000]]);
    expect(await top('tags')).toEqual([['Night', 2, 400_000]]);
    await expectNoDrift();
  });

  it('follows plays and the user’s own genre edits', async () => {
    expect(await stored('genres')).toEqual([['trip hop', 4, 560_000]]);
    await inject('PATCH', `/api/artists/${artists.portishead}/genres`, { add: ['bristol sound'] });
    await inject('PATCH', `/api/artists/${artists.massive}/genres`, { remove: ['trip hop'] });
    expect(await stored('genres')).toEqual([
      ['bristol sound', 2, 150_000],
      ['trip hop', 2, 150_000],
    ]);
    // ties by plays: the newer genre first
    expect(await top('genres')).toEqual([
      ['bristol sound', 2, 150_000],
      ['trip hop', 2, 150_000],
    ]);
    await expectNoDrift();
  });

  it('answers from the figures while they hold', async () => {
    await sql`UPDATE user_genre_stats SET play_count = 99 WHERE user_id = ${me}`.execute(t.db);
    expect((await top('genres')).map(([, plays]) => plays)).toEqual([99, 99]);
    const drift = await server.app.get(StatsAuditService).verify(me);
    expect(drift.items.map((d) => d.aggregate)).toEqual(['user_genre_stats', 'user_genre_stats']);
    await server.app.get(LabelStatsRepository).rebuild(me);
    await expectNoDrift();
  });

  it('sums genres live after the catalog’s genres change, until a rebuild', async () => {
    expect(await usable()).toEqual({ tags: true, genres: true });
    await server.app
      .get(SpotifyCatalogRepository)
      .applyArtistDetails([{ artistId: artists.massive, imageUrl: null, genres: ['downtempo'] }]);
    expect((await usable()).genres).toBe(false);
    // the stored figures lag (no downtempo yet), the answer does not
    expect(await stored('genres')).not.toContainEqual(['downtempo', 2, 410_000]);
    expect(await top('genres')).toEqual([
      ['downtempo', 2, 410_000],
      ['bristol sound', 2, 150_000],
      ['trip hop', 2, 150_000],
    ]);
    // top-genres started a rebuild in the background; stats rebuild --stale also does
    await server.app.get(RollupsRebuilder).rebuildStale();
    expect(await usable()).toEqual({ tags: true, genres: true });
    expect(await stored('genres')).toContainEqual(['downtempo', 2, 410_000]);
    await expectNoDrift();
  });

  it('takes away tracks that leave the library or merge into another', async () => {
    await inject('POST', '/api/tracks/tags', { trackIds: [tracks.angel.id], add: [night] });
    expect(await stored('tags')).toEqual([['Night', 2, 410_000]]);
    await server.app.get(TrackMergeService).merge(tracks.angel.trackId, tracks.teardrop.trackId);
    expect(await stored('tags')).toEqual([['Night', 2, 410_000]]);
    await server.app.get(LibraryMembershipService).remove(me, [tracks.teardrop.id]);
    expect(await stored('tags')).toEqual([]);
    expect(await stored('genres')).toEqual([
      ['bristol sound', 2, 150_000],
      ['trip hop', 2, 150_000],
    ]);
    await expectNoDrift();
  });

  it.runIf(t.engine === 'postgres')(
    'counts a play once when a tag changes while it is being recorded',
    async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      // the recording's transaction stays open (its write lock held) while the tagging starts
      const recording = t.db.transaction().execute(async (trx) => {
        await server.app.get(PlayRecorder).recordWithin(trx, me, [
          {
            trackId: tracks.roads.trackId,
            playedAt: new Date('2024-03-01T10:00:00Z'),
            msPlayed: 90_000,
            source: 'spotify_export',
          },
        ]);
        await held;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const tagging = inject('POST', '/api/tracks/tags', {
        trackIds: [tracks.roads.id],
        add: [night],
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      release();
      await Promise.all([recording, tagging]);
      await expectNoDrift();
    },
  );
});
