import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { CatalogService } from '../src/catalog/catalog.service.js';
import { GenresRepository } from '../src/library/genres.repository.js';
import { LibraryMembershipService } from '../src/library/library-membership.service.js';
import { TrackListRepository, type TrackItem } from '../src/library/track-list.repository.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { newUser } from './support/factories.js';

describeEachEngine('genres on artists', (t) => {
  const server = useTestApp(t);
  let me: number;
  let stranger: number;
  let slowdive: number;
  let strangersArtist: number;

  const request = async (method: 'GET' | 'PATCH', url: string, payload?: object) => {
    const response = await server.app.inject({ method, url: `/api${url}`, payload });
    return {
      status: response.statusCode,
      body: response.json<{ items: { name: string; source?: string }[] }>(),
    };
  };
  const genresOf = async (artistId: number) =>
    (await request('GET', `/artists/${artistId}/genres`)).body.items;
  const tracksOfGenre = async (genre: string) =>
    (
      (await request('GET', `/tracks?genre=${encodeURIComponent(genre)}`)).body as unknown as {
        items: TrackItem[];
      }
    ).items;
  const savedArtist = async (userId: number, artistName: string, trackName: string) => {
    const { trackIds } = await server.app
      .get(CatalogService)
      .resolveTracks([{ artistName, trackName, spotifyId: `sp${artistName.length}${trackName}` }]);
    await server.app
      .get(LibraryMembershipService)
      .like(userId, [{ trackId: trackIds[0]!, addedAt: new Date() }]);
    const { rows } = await sql<{ artist_id: number }>`
      SELECT artist_id FROM track WHERE id = ${trackIds[0]!}`.execute(t.db);
    return rows[0]!.artist_id;
  };

  beforeAll(async () => {
    me = (await server.app.get(LocalUserService).get()).id;
    stranger = (await newUser(t.db)).id;
    slowdive = await savedArtist(me, 'Slowdive', 'Alison');
    await savedArtist(stranger, 'Slowdive', 'Alison');
    strangersArtist = await savedArtist(stranger, 'Ride', 'Vapour Trail');
    // Spotify's genres, as the sync writes them to the shared catalog.
    await sql`INSERT INTO genre (name, sort_name) VALUES ('shoegaze', 'shoegaze'), ('dream pop', 'dream pop')`.execute(
      t.db,
    );
    await sql`INSERT INTO artist_genre (artist_id, genre_id, source)
      SELECT ${slowdive}, id, 'spotify' FROM genre WHERE name IN ('shoegaze', 'dream pop')`.execute(
      t.db,
    );
  });

  it("lists an artist's genres, then the user's adds and removals everywhere", async () => {
    expect(await genresOf(slowdive)).toEqual([
      { name: 'dream pop', source: 'spotify' },
      { name: 'shoegaze', source: 'spotify' },
    ]);

    const changed = await request('PATCH', `/artists/${slowdive}/genres`, {
      add: ['  Nu   Gaze '],
      remove: ['Dream Pop'],
    });
    expect(changed.status).toBe(200);
    const mine = [
      { name: 'nu gaze', source: 'user' },
      { name: 'shoegaze', source: 'spotify' },
    ];
    expect(changed.body.items).toEqual(mine);
    expect(await genresOf(slowdive)).toEqual(mine);

    // the track list: item genres and the genre filter
    const [alison] = await tracksOfGenre('nu gaze');
    expect(alison).toMatchObject({ name: 'Alison', genres: ['nu gaze', 'shoegaze'] });
    expect(await tracksOfGenre('dream pop')).toEqual([]);
    // browse: the user's genres
    const browsed = (await request('GET', '/genres?sort=name')).body.items;
    expect(browsed.map((g) => g.name)).toEqual(['nu gaze', 'shoegaze']);

    // the shared catalog, and so the other user, are untouched
    expect(await server.app.get(GenresRepository).ofArtist(stranger, slowdive)).toEqual([
      { name: 'dream pop', source: 'spotify' },
      { name: 'shoegaze', source: 'spotify' },
    ]);
  });

  it("brings a hidden Spotify genre back and drops the user's own", async () => {
    await request('PATCH', `/artists/${slowdive}/genres`, { remove: ['shoegaze'] });
    const { body } = await request('PATCH', `/artists/${slowdive}/genres`, {
      add: ['dream pop', 'shoegaze'],
      remove: ['nu gaze'],
    });
    expect(body.items).toEqual([
      { name: 'dream pop', source: 'spotify' },
      { name: 'shoegaze', source: 'spotify' },
    ]);
    expect(await tracksOfGenre('nu gaze')).toEqual([]);
  });

  it('refuses bad input and artists not in the library, changing nothing', async () => {
    const before = await genresOf(slowdive);
    const refused = [
      [`/artists/${slowdive}/genres`, {}, 400],
      [`/artists/${slowdive}/genres`, { add: ['indie'], remove: ['indie'] }, 400],
      [`/artists/${slowdive}/genres`, { add: ['   '] }, 400],
      [`/artists/${slowdive}/genres`, { add: [7] }, 400],
      [`/artists/${slowdive}/genres`, { add: ['x'.repeat(101)] }, 400],
      [`/artists/${slowdive}/genres`, { add: ['indie'], colour: 'red' }, 400],
      [`/artists/${strangersArtist}/genres`, { add: ['britpop'] }, 404],
      ['/artists/0/genres', { add: ['britpop'] }, 400],
      ['/artists/99999999/genres', { add: ['britpop'] }, 404],
    ] as const;
    for (const [url, body, status] of refused) {
      expect((await request('PATCH', url, body)).status, `${url} ${JSON.stringify(body)}`).toBe(
        status,
      );
    }
    expect((await request('GET', `/artists/${strangersArtist}/genres`)).status).toBe(404);
    expect(await genresOf(slowdive)).toEqual(before);
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM genre WHERE name IN ('indie', 'britpop')`.execute(t.db);
    expect(rows[0]!.n).toBe(0);
  });

  it("shows each genre of a track's artists once, in order, and the artists without them", async () => {
    const neil = await savedArtist(me, 'Neil Halstead', 'Sleepy');
    // ordered by its sort key, with the e's: by its name's code units it would come last
    await sql`INSERT INTO genre (name, sort_name) VALUES ('électro', 'electro')`.execute(t.db);
    await sql`INSERT INTO artist_genre (artist_id, genre_id, source)
      SELECT ${neil}, id, 'spotify' FROM genre WHERE name IN ('électro', 'shoegaze')`.execute(t.db);
    // Neil Halstead is credited second on Alison (of Slowdive: dream pop, shoegaze)
    await sql`INSERT INTO track_artist (track_id, position, artist_id)
      SELECT id, 1, ${neil} FROM track WHERE name = 'Alison'`.execute(t.db);
    const expected = {
      artists: [
        { id: slowdive, name: 'Slowdive' },
        { id: neil, name: 'Neil Halstead' },
      ],
      genres: ['dream pop', 'électro', 'shoegaze'],
    };
    // the library as opened (compiled once, prepared), for a user with genre edits of their own
    const mine = (await request('GET', '/tracks?sort=name&order=asc')).body as unknown as {
      items: TrackItem[];
    };
    const alison = mine.items.find((item) => item.name === 'Alison')!;
    expect({ artists: alison.artists, genres: alison.genres }).toEqual(expected);
    // and for one without: Spotify's genres straight from the catalog
    const strangers = await server.app
      .get(TrackListRepository)
      .page(stranger, { sort: 'name', order: 'asc', limit: 10 });
    const theirs = strangers.find((item) => item.name === 'Alison')!;
    expect({ artists: theirs.artists, genres: theirs.genres }).toEqual(expected);
  });
});
