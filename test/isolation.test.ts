import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiTokenService } from '../src/auth/api-token.service.js';
import type { DB } from '../src/db/schema.js';
import type { ImportStatus } from '../src/imports/imports.service.js';
import type { TrackItem } from '../src/library/track-list.repository.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { rowsOwnedBy } from './support/owned-rows.js';
import { newUser } from './support/factories.js';

/**
 * Users are isolated (DESIGN rule 8): user B addresses user A's things by id
 * through every route and gets 404 — the very answer an id nobody has gets —
 * and none of A's rows change. B's lists show none of A's rows, and on a
 * catalog track both have, B sees only B's rating, tags, genres and plays.
 *
 * Every name A gives (tracks, artist, album, tag, playlists, genres, even the
 * username) carries A_MARK, so a leak of A's rows anywhere in a response is
 * visible in its text; B's names carry B_MARK, so B's lists are shown not to
 * be empty.
 */

const A_MARK = 'Aardvark';
const B_MARK = 'Bobolink';
const SHOWS_A = new RegExp(A_MARK, 'i');
const SHOWS_B = new RegExp(B_MARK, 'i');

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

interface Answer {
  status: number;
  body: string;
}

interface Person {
  id: number;
  /** the id of the API token the person calls with */
  apiToken: number;
  call(
    method: Method,
    url: string,
    payload?: object,
    headers?: Record<string, string>,
  ): Promise<Answer>;
}

/** The ids of one user's things, as the attempts address them. */
interface Owned {
  /** a user track of a catalog track only this user has */
  track: number;
  /** this user's user track of the catalog track both users have */
  sharedTrack: number;
  /** an artist only this user has */
  artist: number;
  /** the artist of the shared track (a catalog id, the same for both) */
  sharedArtist: number;
  tag: number;
  playlist: number;
  /** an entry of that playlist */
  entry: number;
  smart: number;
  import: number;
  apiToken: number;
}

/** Ids that name nothing: what B gets for A's ids must not differ from what B gets for these. */
const NOBODYS: Owned = {
  track: 900_000_001,
  sharedTrack: 900_000_002,
  artist: 900_000_003,
  sharedArtist: 900_000_004,
  tag: 900_000_005,
  playlist: 900_000_006,
  entry: 900_000_007,
  smart: 900_000_008,
  import: 900_000_009,
  apiToken: 900_000_010,
};

interface Attempt {
  /** the route as the OpenAPI document names it */
  route: `${Method} /api/${string}`;
  what: string;
  /** B's request: `theirs` holds A's ids (or NOBODYS), `mine` B's own */
  request: (theirs: Owned, mine: Owned) => { url: string; payload?: object };
  /** 404 unless said otherwise */
  status?: number;
}

/** A smart playlist definition whose one rule reads another playlist. */
const readingPlaylist = (value: { playlistId: number } | { smartPlaylistId: number }) => ({
  name: `${B_MARK} reads another playlist`,
  match: 'all',
  rules: [{ field: 'IN_PLAYLIST', operator: 'EQUALS', value }],
});
const plainDefinition = { name: `${B_MARK} took it`, match: 'all', rules: [] };

/**
 * Everything B might do with A's ids. A rule tree naming a playlist that is
 * not the user's is a 400 at the rule's path (the editor shows it there),
 * for A's ids exactly as for ids nobody has: not a 404, but no oracle either.
 */
const ATTEMPTS: Attempt[] = [
  {
    route: 'DELETE /api/me/tokens/{id}',
    what: 'revoke their API token',
    request: (a) => ({ url: `/api/me/tokens/${a.apiToken}` }),
  },
  {
    route: 'PUT /api/tracks/{id}/rating',
    what: 'rate their track',
    request: (a) => ({ url: `/api/tracks/${a.track}/rating`, payload: { rating: 1 } }),
  },
  {
    route: 'PUT /api/tracks/{id}/rating',
    what: 'clear their rating of the track we both have',
    request: (a) => ({ url: `/api/tracks/${a.sharedTrack}/rating`, payload: { rating: null } }),
  },
  {
    route: 'PATCH /api/tags/{id}',
    what: 'rename their tag',
    request: (a) => ({ url: `/api/tags/${a.tag}`, payload: { name: `${B_MARK} took it` } }),
  },
  {
    route: 'PATCH /api/tags/{id}',
    what: 'give their tag the name of one of mine',
    request: (a) => ({ url: `/api/tags/${a.tag}`, payload: { name: `${B_MARK} Tag` } }),
  },
  {
    route: 'PATCH /api/tags/{id}',
    what: 'recolour their tag',
    request: (a) => ({ url: `/api/tags/${a.tag}`, payload: { color: '#000000' } }),
  },
  {
    route: 'DELETE /api/tags/{id}',
    what: 'delete their tag',
    request: (a) => ({ url: `/api/tags/${a.tag}` }),
  },
  {
    route: 'POST /api/tracks/tags',
    what: 'put my tag on their tracks',
    request: (a, b) => ({
      url: '/api/tracks/tags',
      payload: { trackIds: [a.track, a.sharedTrack], add: [b.tag] },
    }),
  },
  {
    route: 'POST /api/tracks/tags',
    what: 'take their tag off their track',
    request: (a) => ({
      url: '/api/tracks/tags',
      payload: { trackIds: [a.track], remove: [a.tag] },
    }),
  },
  {
    route: 'POST /api/tracks/tags',
    what: 'put their tag on my track',
    request: (a, b) => ({
      url: '/api/tracks/tags',
      payload: { trackIds: [b.track], add: [a.tag] },
    }),
  },
  {
    route: 'POST /api/tracks/tags',
    what: 'tag my track and one of theirs at once',
    request: (a, b) => ({
      url: '/api/tracks/tags',
      payload: { trackIds: [b.track, a.track], add: [b.tag] },
    }),
  },
  {
    route: 'GET /api/artists/{id}/genres',
    what: 'read the genres of an artist only they have',
    request: (a) => ({ url: `/api/artists/${a.artist}/genres` }),
  },
  {
    route: 'PATCH /api/artists/{id}/genres',
    what: 'change the genres of an artist only they have',
    request: (a) => ({
      url: `/api/artists/${a.artist}/genres`,
      payload: { add: [`${B_MARK} wave`], remove: [`${A_MARK} genre`] },
    }),
  },
  {
    route: 'PATCH /api/playlists/{id}',
    what: 'rename their playlist',
    request: (a) => ({
      url: `/api/playlists/${a.playlist}`,
      payload: { name: `${B_MARK} took it` },
    }),
  },
  {
    route: 'DELETE /api/playlists/{id}',
    what: 'delete their playlist',
    request: (a) => ({ url: `/api/playlists/${a.playlist}` }),
  },
  {
    route: 'GET /api/playlists/{id}/tracks',
    what: 'read their playlist',
    request: (a) => ({ url: `/api/playlists/${a.playlist}/tracks` }),
  },
  {
    route: 'POST /api/playlists/{id}/tracks',
    what: 'add my track to their playlist',
    request: (a, b) => ({
      url: `/api/playlists/${a.playlist}/tracks`,
      payload: { trackIds: [b.track] },
    }),
  },
  {
    route: 'POST /api/playlists/{id}/tracks',
    what: 'add their track to my playlist',
    request: (a, b) => ({
      url: `/api/playlists/${b.playlist}/tracks`,
      payload: { trackIds: [a.track] },
    }),
  },
  {
    route: 'POST /api/playlists/{id}/tracks',
    what: 'add my track to my playlist after their entry',
    request: (a, b) => ({
      url: `/api/playlists/${b.playlist}/tracks`,
      payload: { trackIds: [b.track], after: a.entry },
    }),
  },
  {
    route: 'PATCH /api/playlists/{id}/tracks/{entryId}',
    what: 'move an entry of their playlist',
    request: (a) => ({
      url: `/api/playlists/${a.playlist}/tracks/${a.entry}`,
      payload: { after: null },
    }),
  },
  {
    route: 'PATCH /api/playlists/{id}/tracks/{entryId}',
    what: 'move their entry through my playlist',
    request: (a, b) => ({
      url: `/api/playlists/${b.playlist}/tracks/${a.entry}`,
      payload: { after: null },
    }),
  },
  {
    route: 'PATCH /api/playlists/{id}/tracks/{entryId}',
    what: 'move my entry after theirs',
    request: (a, b) => ({
      url: `/api/playlists/${b.playlist}/tracks/${b.entry}`,
      payload: { after: a.entry },
    }),
  },
  {
    route: 'DELETE /api/playlists/{id}/tracks/{entryId}',
    what: 'remove an entry of their playlist',
    request: (a) => ({ url: `/api/playlists/${a.playlist}/tracks/${a.entry}` }),
  },
  {
    route: 'DELETE /api/playlists/{id}/tracks/{entryId}',
    what: 'remove their entry through my playlist',
    request: (a, b) => ({ url: `/api/playlists/${b.playlist}/tracks/${a.entry}` }),
  },
  {
    route: 'POST /api/playlists/{id}/push',
    what: 'push their playlist to Spotify',
    request: (a) => ({ url: `/api/playlists/${a.playlist}/push`, payload: { force: true } }),
  },
  {
    route: 'GET /api/smart-playlists/{id}',
    what: 'read their smart playlist',
    request: (a) => ({ url: `/api/smart-playlists/${a.smart}` }),
  },
  {
    route: 'PUT /api/smart-playlists/{id}',
    what: 'replace their smart playlist',
    request: (a) => ({ url: `/api/smart-playlists/${a.smart}`, payload: plainDefinition }),
  },
  {
    route: 'DELETE /api/smart-playlists/{id}',
    what: 'delete their smart playlist',
    request: (a) => ({ url: `/api/smart-playlists/${a.smart}` }),
  },
  {
    route: 'GET /api/smart-playlists/{id}/tracks',
    what: "read their smart playlist's tracks",
    request: (a) => ({ url: `/api/smart-playlists/${a.smart}/tracks` }),
  },
  {
    route: 'GET /api/smart-playlists/{id}/count',
    what: 'count their smart playlist',
    request: (a) => ({ url: `/api/smart-playlists/${a.smart}/count` }),
  },
  {
    route: 'POST /api/smart-playlists/{id}/refresh',
    what: 'refresh their smart playlist',
    request: (a) => ({ url: `/api/smart-playlists/${a.smart}/refresh` }),
  },
  {
    route: 'GET /api/smart-playlists/{id}/export',
    what: 'export their smart playlist',
    request: (a) => ({ url: `/api/smart-playlists/${a.smart}/export` }),
  },
  {
    route: 'POST /api/smart-playlists/{id}/push',
    what: 'push their smart playlist to Spotify',
    request: (a) => ({ url: `/api/smart-playlists/${a.smart}/push`, payload: { force: true } }),
  },
  {
    route: 'PUT /api/smart-playlists/{id}',
    what: 'make my smart playlist read their smart playlist',
    request: (a, b) => ({
      url: `/api/smart-playlists/${b.smart}`,
      payload: readingPlaylist({ smartPlaylistId: a.smart }),
    }),
    status: 400,
  },
  {
    route: 'POST /api/smart-playlists',
    what: 'create a smart playlist that reads their playlist',
    request: (a) => ({
      url: '/api/smart-playlists',
      payload: readingPlaylist({ playlistId: a.playlist }),
    }),
    status: 400,
  },
  {
    route: 'POST /api/smart-playlists',
    what: 'create a smart playlist that reads their smart playlist',
    request: (a) => ({
      url: '/api/smart-playlists',
      payload: readingPlaylist({ smartPlaylistId: a.smart }),
    }),
    status: 400,
  },
  {
    route: 'POST /api/smart-playlists/preview',
    what: 'preview a rule that reads their playlist',
    request: (a) => {
      const { match, rules } = readingPlaylist({ playlistId: a.playlist });
      return { url: '/api/smart-playlists/preview', payload: { match, rules } };
    },
    status: 400,
  },
  {
    route: 'POST /api/smart-playlists/import',
    what: 'import a definition that reads their playlist',
    request: (a) => ({
      url: '/api/smart-playlists/import',
      payload: {
        spotlib: 'smart-playlist',
        version: 1,
        definition: readingPlaylist({ playlistId: a.playlist }),
      },
    }),
    status: 400,
  },
  {
    route: 'GET /api/imports/{id}',
    what: 'follow their import',
    request: (a) => ({ url: `/api/imports/${a.import}` }),
  },
  {
    route: 'GET /api/stats/artists/{id}',
    what: 'read the statistics of an artist only they have',
    request: (a) => ({ url: `/api/stats/artists/${a.artist}` }),
  },
  {
    route: 'GET /api/stats/tracks/{id}',
    what: 'read the statistics of their track',
    request: (a) => ({ url: `/api/stats/tracks/${a.track}` }),
  },
  {
    route: 'GET /api/stats/tracks/{id}',
    what: 'read the statistics of their entry for the track we both have',
    request: (a) => ({ url: `/api/stats/tracks/${a.sharedTrack}` }),
  },
];

/**
 * Routes with a path parameter that need no attempt, each with the reason.
 * Empty today: every id in a path names something a user owns (or, for
 * artists, something answered only for those in the user's library).
 */
const NOT_USER_OWNED: Record<string, string> = {};

/**
 * The lists B reads. `names`: A's names show in A's answer, B's in B's, and
 * none of A's in B's. `plays`: the answer only counts plays (no names), so
 * its plays must add up to the caller's own.
 */
const LISTS: { route: `GET /api/${string}`; query?: string; shows: 'names' | 'plays' }[] = [
  { route: 'GET /api/tracks', query: 'limit=100', shows: 'names' },
  { route: 'GET /api/tags', shows: 'names' },
  { route: 'GET /api/me/tokens', shows: 'names' },
  { route: 'GET /api/playlists', shows: 'names' },
  { route: 'GET /api/smart-playlists', shows: 'names' },
  { route: 'GET /api/history', query: 'limit=100', shows: 'names' },
  { route: 'GET /api/artists', shows: 'names' },
  { route: 'GET /api/albums', shows: 'names' },
  { route: 'GET /api/genres', shows: 'names' },
  { route: 'GET /api/stats/top-artists', shows: 'names' },
  { route: 'GET /api/stats/top-albums', shows: 'names' },
  { route: 'GET /api/stats/top-tracks', shows: 'names' },
  { route: 'GET /api/stats/top-genres', shows: 'names' },
  { route: 'GET /api/stats/top-tags', shows: 'names' },
  { route: 'GET /api/stats/listening-time', shows: 'plays' },
  { route: 'GET /api/stats/heatmap', shows: 'plays' },
  { route: 'GET /api/me', shows: 'names' },
];

/** GET routes without a path parameter that are not lists of a user's rows, with the reason. */
const NOT_LISTS: Record<string, string> = {
  'GET /api/health': 'the server’s health: no user data',
  'GET /api/sync': 'the caller’s own Spotify connection and sync steps, read by user id alone',
  'GET /api/auth/spotify': 'the caller’s own Spotify connection, read by user id alone',
  'GET /api/auth/spotify/login': 'a redirect to Spotify’s consent page',
  'GET /api/auth/spotify/callback': 'Spotify’s redirect back, bound to the state it was given',
  'GET /api/auth/spotify/signin': 'a redirect to Spotify to sign in with it',
  'GET /api/auth/spotify/signin/callback': 'Spotify’s redirect back after signing in',
  'GET /api/auth/session': 'the caller’s own session',
  'GET /api/demo': 'the caller’s own demo profile, read by user id alone',
  'GET /api/listenbrainz/1/validate-token': 'says whose the presented token is',
  'GET /api/admin/db':
    'the database’s figures for administrators: normalised statements, index use, table sizes',
};

describeEachEngine('isolation between users', (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'spotlib-isolation-'));
  const server = useTestApp(t, () => ({ dataDir }));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  let alice: Person;
  let bob: Person;
  let a: Owned;
  let b: Owned;
  /** every row A owns, before B tries anything */
  let aliceRows: Record<string, string[]>;
  /** A's answers to the lists, taken before the snapshot (a request of A's may write A's token) */
  const aliceSees = new Map<string, Answer>();

  beforeAll(async () => {
    alice = await person(server.app, t.db, A_MARK.toLowerCase());
    bob = await person(server.app, t.db, B_MARK.toLowerCase());
    a = await seed(alice, A_MARK, {
      ownPlays: [1, 2, 3],
      sharedPlays: 2,
      rating: 4.5,
      firstDay: '2025-01-06',
    });
    b = await seed(bob, B_MARK, {
      ownPlays: [1, 1],
      sharedPlays: 1,
      rating: 1,
      firstDay: '2025-02-03',
    });
    for (const list of LISTS) aliceSees.set(list.route, await alice.call('GET', listUrl(list)));
    aliceRows = await rowsOwnedBy(t.db, alice.id);
  });

  it('gives A rows in every table the attempts aim at, and A’s own view of the shared track', () => {
    const tables = [
      'app_user',
      'user_settings',
      'api_token',
      'user_track',
      'user_track_stats',
      'tag',
      'track_tag',
      'playlist',
      'playlist_track',
      'smart_playlist',
      'smart_playlist_rule',
      'smart_playlist_track',
      'user_artist',
      'user_album',
      'user_artist_genre',
      'import',
    ];
    for (const table of tables) expect(aliceRows[table]?.length, table).toBeGreaterThan(0);
    const plays = [...(aliceRows.play_history ?? []), ...(aliceRows.play_history_archive ?? [])];
    expect(plays).toHaveLength(8);
    // the track both have, as A sees it: B's view of it (below) must differ in every part
    const library = json<{ items: TrackItem[] }>(aliceSees.get('GET /api/tracks')!);
    expect(library.items.find((i) => i.id === a.sharedTrack)).toMatchObject({
      rating: 4.5,
      playCount: 2,
      genres: [`${A_MARK} genre`.toLowerCase()],
      tags: [expect.objectContaining({ id: a.tag })],
    });
  });

  it.each(ATTEMPTS)('$route: B cannot $what', async (attempt) => {
    const method = attempt.route.split(' ')[0] as Method;
    const theirs = attempt.request(a, b);
    expect(theirs.url).toMatch(routePattern(attempt.route));

    // the rows just before, so a change is blamed on the attempt that made it alone
    const before = await rowsOwnedBy(t.db, alice.id);
    const answer = await bob.call(method, theirs.url, theirs.payload);
    const nobodys = attempt.request(NOBODYS, b);
    const control = await bob.call(method, nobodys.url, nobodys.payload);
    const expected = attempt.status ?? 404;
    expect(answer.status, answer.body).toBe(expected);
    expect(control.status, control.body).toBe(expected);
    // A's ids answer exactly as ids nobody has: nothing tells B that they exist
    expect(errorOf(answer)).toBe(errorOf(control));
    expect(answer.body).not.toMatch(SHOWS_A);
    expect(await rowsOwnedBy(t.db, alice.id)).toEqual(before);
  });

  it.each(LISTS)('$route: B sees none of A’s rows', async (list) => {
    const mine = aliceSees.get(list.route)!;
    const bobs = await bob.call('GET', listUrl(list));
    expect(mine.status, mine.body).toBe(200);
    expect(bobs.status, bobs.body).toBe(200);
    if (list.shows === 'names') {
      expect(mine.body).toMatch(SHOWS_A);
      expect(bobs.body).toMatch(SHOWS_B);
      expect(bobs.body).not.toMatch(SHOWS_A);
    } else {
      expect(playsIn(mine)).toBe(8);
      expect(playsIn(bobs)).toBe(3);
    }
  });

  it('shows B, on the track both have, only B’s rating, tags, genres and plays', async () => {
    const library = json<{ items: TrackItem[] }>(await bob.call('GET', '/api/tracks?limit=100'));
    expect(library.items.map((i) => i.id).sort((x, y) => x - y)).toEqual(
      await userTrackIds(t.db, bob.id),
    );
    const shared = library.items.find((i) => i.id === b.sharedTrack)!;
    expect(shared).toMatchObject({
      rating: 1,
      playCount: 1,
      genres: [`${B_MARK} genre`.toLowerCase()],
    });
    expect(shared.tags.map((tag) => tag.id)).toEqual([b.tag]);

    const genres = await bob.call('GET', `/api/artists/${b.sharedArtist}/genres`);
    expect(json(genres)).toEqual({
      items: [{ name: `${B_MARK} genre`.toLowerCase(), source: 'user' }],
    });
    const artist = json<{ plays: number; trackCount: number }>(
      await bob.call('GET', `/api/stats/artists/${b.sharedArtist}`),
    );
    expect(artist).toMatchObject({ plays: 1, trackCount: 1 });
    const track = json<{ plays: number }>(
      await bob.call('GET', `/api/stats/tracks/${b.sharedTrack}`),
    );
    expect(track.plays).toBe(1);

    const history = json<{ items: { track: { id: number } }[] }>(
      await bob.call('GET', '/api/history?limit=100'),
    );
    const mine = new Set(await userTrackIds(t.db, bob.id));
    expect(history.items.filter((p) => !mine.has(p.track.id))).toEqual([]);
  });

  it('finds nothing for B by A’s tag or genre, in filters and rules alike', async () => {
    const byTag = await bob.call('GET', `/api/tracks?tag=${a.tag}`);
    expect(json(byTag)).toEqual({ items: [], nextCursor: null });
    const byGenre = await bob.call(
      'GET',
      `/api/tracks?genre=${encodeURIComponent(`${A_MARK} genre`)}`,
    );
    expect(json(byGenre)).toEqual({ items: [], nextCursor: null });
    for (const [field, value] of [
      ['TAG', `${A_MARK} Tag`],
      ['GENRE', `${A_MARK} genre`],
    ]) {
      const preview = await bob.call('POST', '/api/smart-playlists/preview', {
        rules: [{ field, operator: 'EQUALS', value }],
      });
      expect(json(preview), field).toMatchObject({ items: [], count: 0 });
    }
  });

  it('lets B hide, on the artist both have, the genre A gave it: for B alone', async () => {
    const before = await rowsOwnedBy(t.db, alice.id);
    const hidden = await bob.call('PATCH', `/api/artists/${b.sharedArtist}/genres`, {
      remove: [`${A_MARK} genre`],
    });
    expect(hidden.status, hidden.body).toBe(200);
    expect(await rowsOwnedBy(t.db, alice.id)).toEqual(before);
  });

  it('has an attempt for every route that takes an id, and a check for every list', async () => {
    const document = json<{ paths: Record<string, Record<string, unknown>> }>(
      await bob.call('GET', '/api/openapi.json'),
    );
    const routes = Object.entries(document.paths).flatMap(([route, operations]) =>
      Object.keys(operations)
        .filter((method) => METHODS.has(method))
        .map((method) => `${method.toUpperCase()} ${route}`),
    );
    const attempted = new Set<string>(ATTEMPTS.map((attempt) => attempt.route));
    const listed = new Set<string>(LISTS.map((list) => list.route));
    const withId = routes.filter((route) => route.includes('{'));
    expect(withId.filter((route) => !attempted.has(route) && !(route in NOT_USER_OWNED))).toEqual(
      [],
    );
    const gets = routes.filter((route) => route.startsWith('GET ') && !route.includes('{'));
    expect(gets.filter((route) => !listed.has(route) && !(route in NOT_LISTS))).toEqual([]);
    // an entry for a route that is gone would hide nothing, but says something false
    const named = [
      ...attempted,
      ...listed,
      ...Object.keys(NOT_USER_OWNED),
      ...Object.keys(NOT_LISTS),
    ];
    expect(named.filter((route) => !routes.includes(route))).toEqual([]);
  });

  // after everything B did above, reads included
  it('left every row of A’s as it was', async () => {
    expect(await rowsOwnedBy(t.db, alice.id)).toEqual(aliceRows);
  });
});

/** A user with an API token, calling the app with it. */
async function person(app: NestFastifyApplication, db: Kysely<DB>, username: string) {
  const user = await newUser(db, username);
  const mark = username === A_MARK.toLowerCase() ? A_MARK : B_MARK;
  const { token, id: apiToken } = await app
    .get(ApiTokenService)
    .create(user, `${mark} isolation token`);
  const call: Person['call'] = async (method, url, payload, headers = {}) => {
    const response = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(payload ? { payload } : {}),
    });
    return { status: response.statusCode, body: response.body };
  };
  return { id: user.id, apiToken, call };
}

interface SeedPlan {
  /** how often each track only this user has is played */
  ownPlays: number[];
  sharedPlays: number;
  /** stars given to one own track and to the shared track */
  rating: number;
  /** the plays follow each other hourly from this day's start (UTC) */
  firstDay: string;
}

/** The track both users have: one catalog row, one user track each. */
const SHARED = {
  spotifyId: 'SharedBetweenUsers0001',
  name: 'Common Ground',
  artist: 'Both Sides',
  album: 'Middle Way',
};

/**
 * A library built the way users build one: an uploaded export, then a tag on
 * every track, ratings, genres on both artists, a playlist of every track
 * and a smart playlist reading the tag and the playlist.
 */
async function seed(user: Person, mark: string, plan: SeedPlan): Promise<Owned> {
  const tracks = [
    ...plan.ownPlays.map((plays, i) => ({
      spotifyId: `${mark}Track${i}`.padEnd(22, '0'),
      name: `${mark} Song ${i}`,
      artist: `${mark} Artist`,
      album: `${mark} Album`,
      plays,
    })),
    { ...SHARED, plays: plan.sharedPlays },
  ];
  const importId = await importHistory(user, streamingHistory(tracks, plan.firstDay));
  const library = json<{ items: TrackItem[] }>(
    await expectStatus(user.call('GET', '/api/tracks?limit=100'), 200),
  );
  const own = library.items.find((i) => i.name.startsWith(mark))!;
  const shared = library.items.find((i) => i.name === SHARED.name)!;
  const trackIds = library.items.map((i) => i.id);

  const tag = await idOf(user.call('POST', '/api/tags', { name: `${mark} Tag`, color: '#123456' }));
  await expectStatus(user.call('POST', '/api/tracks/tags', { trackIds, add: [tag] }), 200);
  for (const id of [own.id, shared.id]) {
    await expectStatus(user.call('PUT', `/api/tracks/${id}/rating`, { rating: plan.rating }), 204);
  }
  for (const artist of [own.artists[0]!.id, shared.artists[0]!.id]) {
    const genre = { add: [`${mark} genre`] };
    await expectStatus(user.call('PATCH', `/api/artists/${artist}/genres`, genre), 200);
  }
  const playlist = await idOf(user.call('POST', '/api/playlists', { name: `${mark} Playlist` }));
  await expectStatus(user.call('POST', `/api/playlists/${playlist}/tracks`, { trackIds }), 201);
  const entries = json<{ items: { entryId: number }[] }>(
    await expectStatus(user.call('GET', `/api/playlists/${playlist}/tracks`), 200),
  );
  const smart = await idOf(
    user.call('POST', '/api/smart-playlists', {
      name: `${mark} Smart`,
      match: 'any',
      rules: [
        { field: 'TAG', operator: 'EQUALS', value: `${mark} Tag` },
        { field: 'IN_PLAYLIST', operator: 'EQUALS', value: { playlistId: playlist } },
      ],
    }),
  );
  return {
    track: own.id,
    sharedTrack: shared.id,
    artist: own.artists[0]!.id,
    sharedArtist: shared.artists[0]!.id,
    tag,
    playlist,
    entry: entries.items[0]!.entryId,
    smart,
    import: importId,
    apiToken: user.apiToken,
  };
}

/** Extended streaming history rows: each track played `plays` times, the plays an hour apart. */
function streamingHistory(
  tracks: { spotifyId: string; name: string; artist: string; album: string; plays: number }[],
  firstDay: string,
): Buffer {
  let at = Date.parse(`${firstDay}T00:00:00Z`);
  const rows = tracks.flatMap((track) =>
    Array.from({ length: track.plays }, () => ({
      ts: new Date((at += 3_600_000)).toISOString(),
      ms_played: 180_000,
      master_metadata_track_name: track.name,
      master_metadata_album_artist_name: track.artist,
      master_metadata_album_album_name: track.album,
      spotify_track_uri: `spotify:track:${track.spotifyId}`,
      reason_start: 'clickrow',
      reason_end: 'trackdone',
      skipped: false,
    })),
  );
  return Buffer.from(JSON.stringify(rows));
}

/** Uploads the file as the web app does and waits for the import to finish. */
async function importHistory(user: Person, file: Buffer): Promise<number> {
  const boundary = '----spotlib-isolation';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="Streaming_History_Audio_2025.json"\r\nContent-Type: application/json\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
  const { id } = json<{ id: number }>(
    await expectStatus(user.call('POST', '/api/imports', payload, headers), 202),
  );
  for (let i = 0; i < 400; i++) {
    const status = json<ImportStatus>(await user.call('GET', `/api/imports/${id}`));
    if (status.status === 'completed') return id;
    if (status.status === 'failed') throw new Error(`import ${id} failed: ${status.error}`);
    await sleep(50);
  }
  throw new Error(`import ${id} did not finish`);
}

async function userTrackIds(db: Kysely<DB>, userId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('user_track')
    .select('id')
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** `GET /api/x/{id}` → a pattern its URLs match (query string allowed). */
function routePattern(route: string): RegExp {
  const template = route.split(' ')[1]!;
  return new RegExp(`^${template.replace(/\{\w+\}/g, '[^/?]+')}(\\?.*)?$`);
}

function listUrl(list: (typeof LISTS)[number]): string {
  const url = list.route.split(' ')[1]!;
  return list.query ? `${url}?${list.query}` : url;
}

/** The plays an answer of plays per period or per hour adds up to. */
function playsIn(answer: Answer): number {
  return json<{ items: { plays: number }[] }>(answer).items.reduce((sum, i) => sum + i.plays, 0);
}

function errorOf(answer: Answer): string | undefined {
  return json<{ error?: string }>(answer).error;
}

function json<T = unknown>(answer: Answer): T {
  return JSON.parse(answer.body) as T;
}

async function expectStatus(request: Promise<Answer>, status: number): Promise<Answer> {
  const answer = await request;
  expect(answer.status, answer.body).toBe(status);
  return answer;
}

async function idOf(request: Promise<Answer>): Promise<number> {
  return json<{ id: number }>(await expectStatus(request, 201)).id;
}
