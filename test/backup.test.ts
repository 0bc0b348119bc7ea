import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, expect, inject, it, vi } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { BackupExportService } from '../src/backup/backup-export.service.js';
import { BackupRestoreService } from '../src/backup/backup-restore.service.js';
import { PlayRestorer } from '../src/backup/play-restorer.service.js';
import type { Engine } from '../src/config/config.js';
import { openPGlite, pgliteDataDir } from '../src/db/database.js';
import { PlayRecorder } from '../src/history/play-recorder.service.js';
import { LibraryMembershipService } from '../src/library/library-membership.service.js';
import { TrackResolutionService } from '../src/library/track-resolution.service.js';
import { SpotifyCatalogRepository } from '../src/spotify/spotify-catalog.repository.js';
import {
  SpotifyTrackImporter,
  type TrackFacts,
} from '../src/spotify/sync/spotify-track-importer.service.js';
import { StatsAuditService } from '../src/stats/stats-audit.service.js';
import { UsersRepository } from '../src/users/users.repository.js';
import { createTestApp } from './support/app.js';
import { spotlib } from './support/cli.js';
import { createTestDatabase, describeEngines, type OwnedDatabase } from './support/databases.js';
import { databaseUrl } from './support/test-env.js';
import { userSnapshot } from './support/user-snapshot.js';

const DAY = 86_400_000;

/** A Spotify track as the API describes it (what a library sync imports). */
function spotifyTrack(
  id: string,
  name: string,
  artists: [string, string][],
  album: { id: string; name: string; image: string },
): TrackFacts {
  return {
    id,
    name,
    duration_ms: 215_000,
    explicit: false,
    disc_number: 1,
    track_number: 3,
    is_local: false,
    external_ids: { isrc: `ISRC${id}` },
    artists: artists.map(([artistId, artistName]) => ({ id: artistId, name: artistName })),
    album: {
      id: album.id,
      name: album.name,
      release_date: '1997-09-22',
      images: [{ url: album.image, width: 300, height: 300 }],
    },
  };
}

interface Instance {
  owned: OwnedDatabase;
  app: NestFastifyApplication;
}

async function openInstance(engine: Engine): Promise<Instance> {
  const owned = await createTestDatabase(engine);
  return { owned, app: await createTestApp(owned.database) };
}

const service = <T>(instance: Instance, type: new (...args: never[]) => T): T =>
  instance.app.get(type, { strict: false });

async function api(
  instance: Instance,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  url: string,
  body?: object,
) {
  const response = await instance.app.inject({ method, url: `/api${url}`, payload: body });
  if (response.statusCode >= 400) throw new Error(`${method} ${url}: ${response.body}`);
  return response.body ? response.json<Record<string, unknown>>() : {};
}

/**
 * A user with some of everything: tracks from a Spotify sync (several
 * credits, a compilation, namesake artists), from an export (a Spotify id only) and from
 * account data (names only); plays in hot and archived months, skips, an
 * account-data minute with two plays; likes, ratings, tags, user genres,
 * ordered playlists, smart playlists with nested rules reading other
 * playlists, and settings.
 */
async function buildLibrary(instance: Instance): Promise<number> {
  const userId = (await service(instance, LocalUserService).get()).id;
  await api(instance, 'PATCH', '/me/settings', {
    timeZone: 'Europe/Berlin',
    playThresholdMs: 40_000,
  });
  const album = (id: string, name: string) => ({ id, name, image: `https://img/${id}` });
  const synced = await service(instance, SpotifyTrackImporter).importTracks([
    spotifyTrack('sp-joga', 'Jóga', [['ar-bjork', 'Björk']], album('al-homo', 'Homogenic')),
    spotifyTrack(
      'sp-pressure',
      'Under Pressure',
      [
        ['ar-queen', 'Queen'],
        ['ar-bowie', 'David Bowie'],
      ],
      album('al-hot', 'Hot Space'),
    ),
    spotifyTrack(
      'sp-feeling',
      'Feeling Good',
      [['ar-nina', 'Nina Simone']],
      album('al-jazz', 'Jazz Best'),
    ),
    // a namesake: another artist Spotify calls Nina Simone, kept apart by its id
    spotifyTrack(
      'sp-sowhat',
      'So What',
      [['ar-nina-2', 'Nina Simone']],
      album('al-jazz', 'Jazz Best'),
    ),
  ]);
  const [joga, pressure, feeling, sowhat] = synced as [number, number, number, number];
  const [hoppipolla, demo, reckoner, never] = await service(
    instance,
    TrackResolutionService,
  ).resolve([
    { artistName: 'Sigur Rós', trackName: 'Hoppípolla', albumName: 'Takk...' },
    { artistName: 'Unknown Band', trackName: 'Demo' },
    {
      spotifyId: 'sp-reckoner',
      artistName: 'Radiohead',
      trackName: 'Reckoner',
      albumName: 'In Rainbows',
    },
    { artistName: 'Nobody', trackName: 'Never Played', durationMs: 100_000 },
  ]);
  const catalog = service(instance, SpotifyCatalogRepository);
  const bjork = await instance.owned.database.db
    .selectFrom('artist')
    .select('id')
    .where('spotify_id', '=', 'ar-bjork')
    .executeTakeFirstOrThrow();
  await catalog.applyArtistDetails([
    { artistId: bjork.id, imageUrl: 'https://img/bjork', genres: ['art pop', 'trip hop'] },
  ]);

  const now = Date.now();
  const minute = new Date('2021-06-01T10:00:00Z');
  await service(instance, PlayRecorder).record(userId, [
    {
      trackId: joga,
      playedAt: new Date(now - 2 * DAY),
      msPlayed: 300_000,
      source: 'spotify_recent',
    },
    { trackId: joga, playedAt: new Date(now - DAY), msPlayed: 250_000, source: 'spotify_recent' },
    {
      trackId: pressure,
      playedAt: new Date('2019-03-10T20:15:00Z'),
      msPlayed: 240_000,
      source: 'spotify_export',
      reasonStart: 'clickrow',
      reasonEnd: 'trackdone',
    },
    {
      trackId: feeling,
      playedAt: new Date('2020-01-01T00:30:00Z'),
      msPlayed: 5_000,
      source: 'spotify_export',
    },
    { trackId: hoppipolla!, playedAt: minute, msPlayed: 200_000, source: 'spotify_account_export' },
    { trackId: hoppipolla!, playedAt: minute, msPlayed: 180_000, source: 'spotify_account_export' },
    {
      trackId: sowhat,
      playedAt: new Date('2022-02-02T22:22:22Z'),
      msPlayed: 540_000,
      source: 'listenbrainz',
      skipped: false,
    },
    {
      trackId: demo!,
      playedAt: new Date('2015-05-05T05:05:00Z'),
      msPlayed: 60_000,
      source: 'spotify_account_export',
    },
    {
      trackId: reckoner!,
      playedAt: new Date(now - 3 * DAY),
      msPlayed: 290_000,
      source: 'spotify_export',
    },
  ]);
  await service(instance, LibraryMembershipService).like(userId, [
    { trackId: never!, addedAt: new Date('2023-01-01T12:00:00Z') },
    { trackId: joga, addedAt: new Date('2018-01-01T12:00:00Z') },
  ]);

  const userTrack = async (trackId: number) =>
    (
      await instance.owned.database.db
        .selectFrom('user_track')
        .select('id')
        .where('user_id', '=', userId)
        .where('track_id', '=', trackId)
        .executeTakeFirstOrThrow()
    ).id;
  const [uJoga, uPressure, uFeeling, uHoppi, uReckoner] = await Promise.all(
    [joga, pressure, feeling, hoppipolla!, reckoner!].map(userTrack),
  );
  await api(instance, 'PUT', `/tracks/${uJoga}/rating`, { rating: 4.5 });
  await api(instance, 'PUT', `/tracks/${uHoppi}/rating`, { rating: 0 });
  await api(instance, 'PUT', `/tracks/${uPressure}/rating`, { rating: 3 });
  const chill = (await api(instance, 'POST', '/tags', { name: 'Chill', color: '#00ff00' })).id;
  const zurich = (await api(instance, 'POST', '/tags', { name: 'Zürich' })).id;
  await api(instance, 'POST', '/tracks/tags', { trackIds: [uJoga, uHoppi], add: [chill] });
  await api(instance, 'POST', '/tracks/tags', { trackIds: [uFeeling], add: [chill, zurich] });
  await api(instance, 'PATCH', `/artists/${bjork.id}/genres`, {
    add: ['icelandic'],
    remove: ['trip hop'],
  });

  const roadTrip = (
    await api(instance, 'POST', '/playlists', { name: 'Road trip', description: 'loud' })
  ).id as number;
  await api(instance, 'POST', `/playlists/${roadTrip}/tracks`, {
    trackIds: [uJoga, uPressure, uReckoner, uJoga],
  });
  const entries = (await api(instance, 'GET', `/playlists/${roadTrip}/tracks`)).items as {
    entryId: number;
  }[];
  await api(instance, 'PATCH', `/playlists/${roadTrip}/tracks/${entries[2]!.entryId}`, {
    after: null,
  });
  await api(instance, 'POST', '/playlists', { name: 'Empty' });

  const loved = (
    await api(instance, 'POST', '/smart-playlists', {
      name: 'Loved',
      rules: [{ field: 'RATING', operator: 'GREATER_EQUAL', value: 3 }],
    })
  ).id as number;
  await api(instance, 'POST', '/smart-playlists', {
    name: 'Mix',
    match: 'any',
    rules: [
      {
        match: 'all',
        rules: [
          { field: 'TAG', operator: 'EQUALS', value: 'chill' },
          { field: 'PLAY_COUNT', operator: 'GREATER_THAN', value: 0 },
        ],
      },
      { field: 'IN_PLAYLIST', operator: 'EQUALS', value: { playlistId: roadTrip } },
      { field: 'IN_PLAYLIST', operator: 'EQUALS', value: { smartPlaylistId: loved } },
      { field: 'LAST_PLAYED', operator: 'IN_THE_LAST', value: { amount: 2, unit: 'weeks' } },
    ],
    limit: { count: 3, unit: 'tracks', selectBy: 'random' },
  });
  return userId;
}

/** What the API shows, with this instance's ids taken out. */
async function visible(instance: Instance) {
  const strip = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value), (key, v: unknown) =>
      key === 'id' || key === 'entryId' || key === 'nextCursor' ? undefined : v,
    );
  return {
    me: strip(await api(instance, 'GET', '/me')),
    tracks: strip(await api(instance, 'GET', '/tracks?sort=name&order=asc&limit=100')),
    history: strip(await api(instance, 'GET', '/history?limit=100')),
    playlists: strip(await api(instance, 'GET', '/playlists')),
    listening: strip(
      await api(instance, 'GET', '/stats/listening-time?from=2019-01-01&step=month'),
    ),
    topArtists: strip(await api(instance, 'GET', '/stats/top-artists?from=2010-01-01')),
  };
}

describeEngines('backup: export, restore elsewhere, identical data', (engine) => {
  let workDir: string;
  let source: Instance;
  let target: Instance;
  let sourceUser: number;
  let archive: string;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'spotlib-backup-'));
    [source, target] = await Promise.all([openInstance(engine), openInstance(engine)]);
    sourceUser = await buildLibrary(source);
    archive = path.join(workDir, 'backup.jsonl.gz');
  });
  afterAll(async () => {
    for (const instance of [source, target]) {
      await instance?.app.close();
      await instance?.owned.drop();
    }
    await rm(workDir, { recursive: true, force: true });
  });

  it('exports every record type, the history streamed in time order', async () => {
    const result = await service(source, BackupExportService).exportTo(sourceUser, archive);
    expect(result.counts).toEqual({
      tag: 2,
      artist: 9,
      album: 6,
      track: 8,
      artistGenre: 2,
      playlist: 2,
      playlistEntry: 4,
      smartPlaylist: 2,
      smartPlaylistEntry: expect.any(Number),
      play: 9,
    });
    const lines = gunzipSync(await readFile(archive))
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; playedAt?: string });
    expect(lines[0]).toMatchObject({ type: 'header', format: 'spotlib-backup', version: 1 });
    expect(lines.at(-1)).toMatchObject({ type: 'end' });
    const plays = lines.filter((l) => l.type === 'play').map((l) => l.playedAt!);
    expect(plays).toEqual([...plays].sort());
    expect(JSON.stringify(lines)).not.toMatch(/password|token_hash|access_token/);
  });

  it('restores into an empty instance: the same data, no drift', async () => {
    const targetUser = (await service(target, LocalUserService).get()).id;
    const result = await service(target, BackupRestoreService).restoreFrom(archive, {
      user: { id: targetUser },
    });
    expect(result).toMatchObject({ created: false, playsWritten: 9, verify: { drift: 0 } });
    expect(await userSnapshot(target.owned.database.db, targetUser)).toEqual(
      await userSnapshot(source.owned.database.db, sourceUser),
    );
    expect(await visible(target)).toEqual(await visible(source));
    expectSomeOfEverything(await userSnapshot(target.owned.database.db, targetUser));
    expect(await service(target, StatsAuditService).verify()).toMatchObject({ drift: 0 });
  });

  it('restores as a new user of an instance that has the catalog already', async () => {
    const result = await service(source, BackupRestoreService).restoreFrom(archive, {
      newUsername: 'copy',
    });
    expect(result).toMatchObject({ created: true, restoredAs: 'copy', verify: { drift: 0 } });
    const snapshot = await userSnapshot(source.owned.database.db, result.userId);
    const original = await userSnapshot(source.owned.database.db, sourceUser);
    expect(snapshot).toEqual(original);
    const catalogTracks = await source.owned.database.db
      .selectFrom('track')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(catalogTracks.n).toBe(8);
  });

  it('refuses a user who has data, and a taken name, changing nothing', async () => {
    const targetUser = (await service(target, LocalUserService).get()).id;
    const before = await userSnapshot(target.owned.database.db, targetUser);
    const restore = service(target, BackupRestoreService);
    await expect(restore.restoreFrom(archive, { user: { id: targetUser } })).rejects.toMatchObject({
      body: { error: 'user_has_data' },
    });
    await expect(restore.restoreFrom(archive, { newUsername: 'local' })).rejects.toMatchObject({
      body: { error: 'username_taken' },
    });
    expect(await userSnapshot(target.owned.database.db, targetUser)).toEqual(before);
  });

  it('refuses a truncated, foreign, newer or corrupt file, writing nothing', async () => {
    const bytes = await readFile(archive);
    const text = gunzipSync(bytes).toString();
    const lines = text.trim().split('\n');
    const header = JSON.parse(lines[0]!) as Record<string, unknown>;
    const files: [string, Buffer, RegExp][] = [
      ['cut.gz', bytes.subarray(0, Math.floor(bytes.length / 2)), /ends early \(truncated/],
      ['lines.gz', gzipSync(`${lines.slice(0, -3).join('\n')}\n`), /ends before its end record/],
      [
        'missing.gz',
        gzipSync(`${lines.filter((l) => !l.startsWith('{"type":"playlistEntry"')).join('\n')}\n`),
        /fewer or more records/,
      ],
      [
        'foreign.gz',
        gzipSync('{"type":"header","format":"other-app","version":1}\n'),
        /not a Spotlib backup/,
      ],
      [
        'newer.gz',
        gzipSync(`${JSON.stringify({ ...header, version: 2 })}\n`),
        /format version 2, written by a newer Spotlib/,
      ],
      ['plain.jsonl', Buffer.from(text), /not a gzip file/],
      [
        'bad.gz',
        gzipSync(`${lines[0]}\n${lines[1]}\n{"type":"tag","key":1}\n`),
        /line 3: invalid tag record: name/,
      ],
      [
        'order.gz',
        gzipSync(`${lines[0]}\n${lines.find((l) => l.startsWith('{"type":"tag"'))}\n${lines[1]}\n`),
        /line 3: a settings record after later records/,
      ],
    ];
    const users = service(target, UsersRepository);
    for (const [name, content, message] of files) {
      const file = path.join(workDir, name);
      await writeFile(file, content);
      const restore = service(target, BackupRestoreService).restoreFrom(file, {
        newUsername: 'broken',
      });
      await expect(restore, name).rejects.toMatchObject({
        body: { error: 'invalid_backup', message: expect.stringMatching(message) },
      });
      expect(await users.findByUsername('broken')).toBeUndefined();
    }
    await expect(
      service(target, BackupRestoreService).restoreFrom(path.join(workDir, 'nope.gz'), {
        newUsername: 'broken',
      }),
    ).rejects.toMatchObject({ body: { message: expect.stringMatching(/no such file/) } });
  });

  it('runs as spotlib export and spotlib restore, one JSON object last', async () => {
    const file = path.join(workDir, 'cli.jsonl.gz');
    if (engine === 'pglite') return restoreIntoDataFolder(archive, file, source, sourceUser);
    const { rows } = await source.owned.database.executeSql('SELECT current_database() AS name');
    const name = (rows[0] as { name: string }).name;
    const env = { DATABASE_URL: databaseUrl(inject('testEnvironment').postgres!.url, name) };
    const exported = await spotlib(env, 'export', file, '--user', String(sourceUser), '--json');
    expect(exported.code).toBe(0);
    expect(exported.json).toMatchObject({ file, counts: { track: 8, play: 9 } });
    const restored = await spotlib(env, 'restore', file, '--as', 'from-cli', '--json');
    expect(restored.code).toBe(0);
    expect(restored.json).toMatchObject({
      created: true,
      restoredAs: 'from-cli',
      verify: { drift: 0 },
    });
    expect(await userSnapshot(source.owned.database.db, restored.json.userId as number)).toEqual(
      await userSnapshot(source.owned.database.db, sourceUser),
    );
    const again = await spotlib(env, 'restore', file, '--user', String(sourceUser), '--json');
    expect(again).toMatchObject({ code: 1, json: { error: 'user_has_data' } });
    const both = await spotlib(env, 'restore', file, '--as', 'x', '--user', '1', '--json');
    expect(both).toMatchObject({ code: 1, json: { error: 'invalid_arguments' } });
    const badName = await spotlib(env, 'restore', file, '--as', 'Not Valid', '--json');
    expect(badName.json.message).toMatch(/--as: a username is 1 to 40 characters/);
    const checked = await spotlib(env, 'restore', '--check', file, '--json');
    expect(checked.json).toMatchObject({ checked: true, username: 'local', counts: { play: 9 } });
    const missing = await spotlib(env, 'restore', '--check', 'nope.gz');
    expect(missing.code).toBe(1);
    expect(missing.stderr.join('\n')).toMatch(/Cannot restore .*nope.gz: no such file/);
  });

  it('undoes a restore that fails halfway: nothing of it stays', async () => {
    const db = target.owned.database.db;
    const playsBefore = await countPlays(target);
    const failing = vi
      .spyOn(service(target, PlayRestorer), 'plays')
      .mockRejectedValueOnce(new Error('the disk is full'));
    try {
      const restore = service(target, BackupRestoreService);
      await expect(restore.restoreFrom(archive, { newUsername: 'halfway' })).rejects.toThrow(
        'the disk is full',
      );
      expect(await service(target, UsersRepository).findByUsername('halfway')).toBeUndefined();
      const empty = await service(target, UsersRepository).create('empty', {
        passwordHash: null,
        isAdmin: false,
      });
      failing.mockRejectedValueOnce(new Error('the disk is full'));
      await expect(restore.restoreFrom(archive, { user: { id: empty!.id } })).rejects.toThrow(
        'the disk is full',
      );
      const owned = await db
        .selectFrom('user_track')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', empty!.id)
        .executeTakeFirstOrThrow();
      expect(owned.n).toBe(0);
      expect(await service(target, UsersRepository).findProfile(empty!.id)).toMatchObject({
        time_zone: 'UTC',
        play_threshold_ms: 30_000,
      });
      expect(await countPlays(target)).toBe(playsBefore);
      expect(await service(target, StatsAuditService).verify()).toMatchObject({ drift: 0 });
    } finally {
      failing.mockRestore();
    }
  });
});

/** The embedded database in a data folder, as a user runs it: migrate, restore, export again. */
async function restoreIntoDataFolder(
  archive: string,
  file: string,
  source: Instance,
  sourceUser: number,
) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'spotlib-backup-cli-'));
  try {
    const env = { DATA_DIR: dataDir };
    expect((await spotlib(env, 'db', 'migrate', '--json')).code).toBe(0);
    const restored = await spotlib(env, 'restore', archive, '--json');
    expect(restored.code).toBe(0);
    expect(restored.json).toMatchObject({
      restoredAs: 'local',
      created: false,
      verify: { drift: 0 },
    });
    const exported = await spotlib(env, 'export', file, '--json');
    expect(exported.json).toMatchObject({ counts: { track: 8, play: 9, smartPlaylist: 2 } });
    const reopened = await openPGlite({ dataDir: pgliteDataDir(dataDir) });
    try {
      expect(await userSnapshot(reopened.db, restored.json.userId as number)).toEqual(
        await userSnapshot(source.owned.database.db, sourceUser),
      );
    } finally {
      await reopened.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The snapshots compared are not equal by being empty: the restore brought every kind of row. */
function expectSomeOfEverything(snapshot: Awaited<ReturnType<typeof userSnapshot>>) {
  const track = (key: string) => snapshot.tracks.find((t) => t.key === key)!;
  expect(snapshot.profile).toEqual([
    expect.objectContaining({ time_zone: 'Europe/Berlin', play_threshold_ms: 40_000, ready: true }),
  ]);
  expect(snapshot.tracks).toHaveLength(8);
  expect(track('Queen – Under Pressure').credits).toHaveLength(2);
  expect(track('Nina Simone – So What')).toMatchObject({ album_image: 'https://img/al-jazz' });
  expect(track('Björk – Jóga')).toMatchObject({ rating: 9, liked: true, tags: ['Chill'] });
  expect(new Set(snapshot.plays.map((p) => p.held_in))).toEqual(new Set(['hot', 'archive']));
  expect(snapshot.plays).toHaveLength(9);
  expect(snapshot.userGenres).toHaveLength(2);
  expect(snapshot.playlists.map((p) => p.name)).toEqual(['Empty', 'Road trip']);
  expect(snapshot.smartPlaylists.map((p) => (p.tracks as unknown[]).length)).toEqual([2, 3]);
  for (const rollup of [snapshot.hours, snapshot.artistMonths, snapshot.albumMonths]) {
    expect(rollup.length).toBeGreaterThan(3);
  }
}

async function countPlays(instance: Instance): Promise<number> {
  const db = instance.owned.database.db;
  const count = (table: 'play_history' | 'play_history_archive') =>
    db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  return (await count('play_history')) + (await count('play_history_archive'));
}
