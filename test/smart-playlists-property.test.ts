import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { DB } from '../src/db/schema.js';
import { nameKey, sortKey } from '../src/db/sort-key.js';
import { materialisation } from '../src/smart-playlists/rule-compiler.js';
import {
  isGroup,
  type Group,
  type RuleNode,
  type SmartDefinition,
  type SmartLimit,
} from '../src/smart-playlists/rules.js';
import { SmartPlaylistsRepository } from '../src/smart-playlists/smart-playlists.repository.js';
import { describeEachEngine } from './support/databases.js';
import { newUser } from './support/factories.js';
import {
  GENRES,
  NOW,
  TAGS,
  ZONES,
  libraryArb,
  limitArb,
  ruleTreeArb,
} from './support/rule-arbitraries.js';
import { matches, selectLimited, trackFacts, type TrackFacts } from './support/rule-oracle.js';

/**
 * The SQL compiler of smart playlist rules against the in-memory oracle: a
 * generated library is written to the database for a fresh user, a generated
 * definition is stored, compiled and materialised, and the playlist's tracks
 * (in order) must be the oracle's.
 */

/** The materialised order without a limit (see SmartPlaylistsRepository.materialise). */
const NO_LIMIT: SmartLimit = { count: 1_000_000, unit: 'tracks', selectBy: 'most_recently_added' };

/**
 * About 7 s per engine (35 ms a run); a longer search: SMART_PROPERTY_RUNS=3000 npx vitest run
 * test/smart-playlists-property.test.ts. A counterexample's track ids are the generated ones
 * (TrackFacts.id), and so are the ids in the compared lists.
 */
const NUM_RUNS = Number(process.env.SMART_PROPERTY_RUNS ?? 200);

type Args = [TrackFacts[], Group, SmartLimit | null, string, number];

/** A track of a fixed example: ids 1..N in order. */
function track(id: number, facts: Partial<TrackFacts> = {}): TrackFacts {
  return trackFacts({ id, trackName: 'Blue', artistNames: ['Zoë'], durationMs: 180_000, ...facts });
}

/** Cases worth running every time, before the generated ones. */
const EXAMPLES: Args[] = [
  // No rules select the whole library, even with match any; a limit in minutes keeps the
  // longest run that fits: the track without a duration after the budget is spent is not kept.
  [
    [
      track(1, { trackName: 'a_b', durationMs: 59_999 }),
      track(2, { trackName: 'aXb', durationMs: 1 }),
      track(3, { trackName: 'Blue', durationMs: null }),
      track(4, { trackName: 'cafe', durationMs: 600_000 }),
      track(5, { trackName: 'Zoe', durationMs: null }),
    ],
    { match: 'any', rules: [] },
    { count: 1, unit: 'minutes', selectBy: 'name' },
    'UTC',
    0,
  ],
  // Genres are those the user sees on every credited artist: user-added ones count, a hidden
  // catalog genre does not (track 2 has "rock", hidden); LIKE metacharacters match literally.
  // Tracks 1, 2 and 3, not 4.
  [
    [
      track(1, { artistNames: ['a_b', '100%'], genres: ['hip_hop', 'jazz', 'R&B'] }),
      track(2, { artistNames: ['aXb', '1000'], genres: ['Électro'] }),
      track(3, { artistNames: ['back\\slash'], genres: [] }),
      track(4, { artistNames: ['1000', 'aXb'], genres: ['indie rock'] }),
    ],
    {
      match: 'any',
      rules: [
        { field: 'GENRE', operator: 'EQUALS', value: 'ROCK' },
        { field: 'GENRE', operator: 'CONTAINS', value: 'p_h' },
        { field: 'ARTIST_NAME', operator: 'STARTS_WITH', value: '100%' },
        { field: 'ARTIST_NAME', operator: 'ENDS_WITH', value: 'K\\SLASH' },
        {
          match: 'all',
          rules: [
            { field: 'GENRE', operator: 'NOT_IN', value: ['rock', 'indie rock', 'jazz'] },
            { field: 'GENRE', operator: 'IS_NOT_EMPTY', value: null },
          ],
        },
      ],
    },
    null,
    'UTC',
    0,
  ],
  // Months are calendar months of the user's zone: 4 months before 08:00 EDT on 2026-06-15
  // is 08:00 EST on 2026-02-15, 13:00Z (not 12:00Z); tracks never played are "not in the last".
  [
    [
      track(1, { addedAt: new Date('2026-02-15T12:59:59.999Z') }),
      track(2, { addedAt: new Date('2026-02-15T13:00:00.000Z') }),
      track(3, { lastPlayedAt: new Date('2026-06-15T11:59:59.999Z'), playCount: 1 }),
      track(4, { lastPlayedAt: new Date('2026-02-15T12:30:00.000Z'), playCount: 2 }),
    ],
    {
      match: 'any',
      rules: [
        { field: 'ADDED_AT', operator: 'IN_THE_LAST', value: { amount: 4, unit: 'months' } },
        {
          match: 'all',
          rules: [
            {
              field: 'LAST_PLAYED',
              operator: 'NOT_IN_THE_LAST',
              value: { amount: 1, unit: 'days' },
            },
            { field: 'ADDED_AT', operator: 'LESS_THAN', value: '2026-02-15' },
          ],
        },
      ],
    },
    { count: 10, unit: 'tracks', selectBy: 'random' },
    'America/New_York',
    7,
  ],
];

/** The generated library as rows; returns the real user_track id of each track and playlist ids. */
async function seedLibrary(
  db: Kysely<DB>,
  userId: number,
  library: TrackFacts[],
  genreIds: ReadonlyMap<string, number>,
): Promise<{ userTrackIds: number[]; playlistIds: Map<number, number> }> {
  const key = (kind: string, ...parts: number[]) => `${kind}-${userId}-${parts.join('-')}`;

  const artists = library.flatMap((facts, i) =>
    facts.artistNames.map((name, j) => ({
      name,
      sort_name: sortKey(name),
      spotify_id: key('artist', i, j),
    })),
  );
  const artistRows = await db
    .insertInto('artist')
    .values(artists)
    .returning(['id', 'spotify_id'])
    .execute();
  const artistId = new Map(artistRows.map((r) => [r.spotify_id!, r.id]));
  const artistOf = (i: number, j: number) => artistId.get(key('artist', i, j))!;

  const albums = library.flatMap((facts, i) =>
    facts.albumName === null
      ? []
      : [
          {
            name: facts.albumName,
            sort_name: sortKey(facts.albumName),
            artist_id: artistOf(i, 0),
            spotify_id: key('album', i),
          },
        ],
  );
  const albumRows =
    albums.length === 0
      ? []
      : await db.insertInto('album').values(albums).returning(['id', 'spotify_id']).execute();
  const albumId = new Map(albumRows.map((r) => [r.spotify_id!, r.id]));

  const trackRows = await db
    .insertInto('track')
    .values(
      library.map((facts, i) => ({
        name: facts.trackName,
        sort_name: sortKey(facts.trackName),
        artist_id: artistOf(i, 0),
        album_id: albumId.get(key('album', i)) ?? null,
        duration_ms: facts.durationMs,
        spotify_id: key('track', i),
      })),
    )
    .returning(['id', 'spotify_id'])
    .execute();
  const trackIdOf = new Map(trackRows.map((r) => [r.spotify_id!, r.id]));
  const trackIds = library.map((_, i) => trackIdOf.get(key('track', i))!);

  await db
    .insertInto('track_artist')
    .values(
      library.flatMap((facts, i) =>
        facts.artistNames.map((_, j) => ({
          track_id: trackIds[i]!,
          position: j,
          artist_id: artistOf(i, j),
        })),
      ),
    )
    .execute();

  // Artists belong to one track each, so a track's genres are exactly those of its artists.
  // They are spread over its artists, from the catalog and from the user's own edits.
  const catalogGenres: { artist_id: number; genre_id: number; source: 'spotify' }[] = [];
  const userGenres: { user_id: number; artist_id: number; genre_id: number; assigned: boolean }[] =
    [];
  library.forEach((facts, i) => {
    const n = facts.artistNames.length;
    facts.genres.forEach((genre, k) => {
      const artist = artistOf(i, k % n);
      const genreId = genreIds.get(genre)!;
      if ((i + k) % 3 === 2) {
        userGenres.push({ user_id: userId, artist_id: artist, genre_id: genreId, assigned: true });
      } else {
        catalogGenres.push({ artist_id: artist, genre_id: genreId, source: 'spotify' });
      }
    });
    // the first genre once more, on another artist
    if (n >= 2 && facts.genres.length > 0) {
      const genreId = genreIds.get(facts.genres[0]!)!;
      catalogGenres.push({ artist_id: artistOf(i, n - 1), genre_id: genreId, source: 'spotify' });
    }
    // a catalog genre the user hid
    if (i % 2 === 1) {
      const hidden = genreIds.get(GENRES.find((g) => !facts.genres.includes(g))!)!;
      catalogGenres.push({ artist_id: artistOf(i, 0), genre_id: hidden, source: 'spotify' });
      userGenres.push({
        user_id: userId,
        artist_id: artistOf(i, 0),
        genre_id: hidden,
        assigned: false,
      });
    }
  });
  if (catalogGenres.length > 0) await db.insertInto('artist_genre').values(catalogGenres).execute();
  if (userGenres.length > 0) await db.insertInto('user_artist_genre').values(userGenres).execute();

  const userTrackRows = await db
    .insertInto('user_track')
    .values(
      library.map((facts, i) => ({
        user_id: userId,
        track_id: trackIds[i]!,
        added_at: facts.addedAt,
        liked: facts.liked,
        rating: facts.rating === null ? null : facts.rating * 2,
        title_sort: sortKey(facts.trackName),
        artist_sort: sortKey(facts.artistNames[0]!),
        album_sort: facts.albumName === null ? null : sortKey(facts.albumName),
        duration_ms: facts.durationMs,
      })),
    )
    .returning(['id', 'track_id'])
    .execute();
  const userTrackOf = new Map(userTrackRows.map((r) => [r.track_id, r.id]));
  const userTrackIds = trackIds.map((id) => userTrackOf.get(id)!);

  await db
    .insertInto('user_track_stats')
    .values(
      library.map((facts, i) => ({
        user_id: userId,
        user_track_id: userTrackIds[i]!,
        play_count: facts.playCount,
        skip_count: facts.skipCount,
        ms_played: facts.msPlayed,
        last_played_at: facts.lastPlayedAt,
      })),
    )
    .execute();

  const tagRows = await db
    .insertInto('tag')
    .values(
      TAGS.map((name) => ({
        user_id: userId,
        name,
        name_key: nameKey(name),
        sort_key: sortKey(name),
      })),
    )
    .returning(['id', 'name'])
    .execute();
  const tagId = new Map(tagRows.map((r) => [r.name, r.id]));
  const trackTags = library.flatMap((facts, i) =>
    facts.tags.map((tag) => ({
      user_id: userId,
      user_track_id: userTrackIds[i]!,
      tag_id: tagId.get(tag)!,
    })),
  );
  if (trackTags.length > 0) await db.insertInto('track_tag').values(trackTags).execute();

  const playlistIds = new Map<number, number>();
  for (const generated of [1, 2]) {
    const { id } = await db
      .insertInto('playlist')
      .values({ user_id: userId, name: `manual ${generated}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    playlistIds.set(generated, id);
  }
  const entries = library.flatMap((facts, i) =>
    facts.playlists.map((generated) => ({
      user_id: userId,
      playlist_id: playlistIds.get(generated)!,
      user_track_id: userTrackIds[i]!,
      position: `p${String(i).padStart(3, '0')}`,
    })),
  );
  if (entries.length > 0) await db.insertInto('playlist_track').values(entries).execute();

  return { userTrackIds, playlistIds };
}

/** The tree with the generated manual playlist ids (1, 2) replaced by the real ones. */
function withPlaylistIds(nodes: readonly RuleNode[], ids: ReadonlyMap<number, number>): RuleNode[] {
  return nodes.map((node): RuleNode => {
    if (isGroup(node)) return { match: node.match, rules: withPlaylistIds(node.rules, ids) };
    const { value } = node;
    if (
      node.field === 'IN_PLAYLIST' &&
      typeof value === 'object' &&
      value !== null &&
      'playlistId' in value
    ) {
      return { ...node, value: { playlistId: ids.get(value.playlistId)! } };
    }
    return node;
  });
}

function md5Order(seed: number): (t: TrackFacts) => string {
  return (t) => createHash('md5').update(`${seed}:${t.id}`).digest('hex');
}

it('the fixed examples select what their comments say, by the oracle', () => {
  const selected = EXAMPLES.map(([library, tree, limit, zone, seed]) =>
    selectLimited(
      library.filter((track) => matches(tree, track, { now: NOW, zone })),
      limit ?? NO_LIMIT,
      md5Order(seed),
    )
      .map((track) => track.id)
      .sort((a, b) => a - b),
  );
  expect(selected).toEqual([
    [1, 2, 3],
    [1, 2, 3],
    [2, 4],
  ]);
});

describeEachEngine('smart playlist rules (property)', (t) => {
  let repo: SmartPlaylistsRepository;
  const genreIds = new Map<string, number>();

  beforeAll(async () => {
    repo = new SmartPlaylistsRepository(t.db);
    await t.db
      .insertInto('genre')
      .values(GENRES.map((name) => ({ name, sort_name: sortKey(name) })))
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const rows = await t.db
      .selectFrom('genre')
      .select(['id', 'name'])
      .where('name', 'in', [...GENRES])
      .execute();
    for (const row of rows) genreIds.set(row.name, row.id);
  });

  /** One run: the database's playlist against the oracle's, and the stored tree read back. */
  async function check(...[library, tree, limit, zone, seed]: Args): Promise<void> {
    const userId = (await newUser(t.db)).id;
    const { userTrackIds, playlistIds } = await seedLibrary(t.db, userId, library, genreIds);
    const definition: SmartDefinition = {
      name: 'p',
      match: tree.match,
      rules: withPlaylistIds(tree.rules, playlistIds),
      limit,
    };
    const id = await repo.create(userId, definition);
    await repo.materialise(userId, id, (stored) =>
      materialisation(stored, { userId, now: NOW, zone }, seed),
    );
    const actual = await repo.materialisedIds(userId, id);

    // The oracle reads the real track ids (random order and ties depend on them) and the
    // generated playlist ids; both lists are compared in generated ids, as a counterexample shows.
    const facts = library.map((track, i) => ({ ...track, id: userTrackIds[i]! }));
    const matched = facts.filter((track) => matches(tree, track, { now: NOW, zone }));
    const expected = selectLimited(matched, limit ?? NO_LIMIT, md5Order(seed));
    const generatedId = new Map(userTrackIds.map((real, i) => [real, library[i]!.id]));
    const generated = (real: number) => generatedId.get(real) ?? `unknown user_track ${real}`;
    expect(actual.map(generated)).toEqual(expected.map((track) => generated(track.id)));

    expect((await repo.find(userId, id))?.rules).toEqual(definition.rules);
  }

  it(
    'materialises what the rules select, in the limit order',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          libraryArb,
          ruleTreeArb(3),
          limitArb,
          fc.constantFrom<string>(...ZONES),
          fc.integer({ min: 0, max: 1000 }),
          check,
        ),
        { numRuns: NUM_RUNS, examples: EXAMPLES },
      );
    },
    Math.max(60_000, NUM_RUNS * 300),
  );
});
