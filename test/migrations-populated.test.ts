import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../src/db/database.js';
import { Migrator } from '../src/db/migrator.js';
import { migrations } from '../src/db/migrations/index.js';
import { PlayHistoryPartitions } from '../src/db/partitions.js';
import { createTestDatabase, describeEngines } from './support/databases.js';
import { newTrack, newUser, newUserTrack } from './support/factories.js';

/**
 * DESIGN rule 9: every migration runs against a database filled under the
 * schema before it. Each step: migrate to just before it, fill, apply it,
 * and find every row still there.
 */
describeEngines('each migration on a populated database', (engine) => {
  const steps = migrations.slice(3); // the first three leave nothing to fill for later ones
  it.each(steps.map((m) => [m.name, migrations.indexOf(m)] as const))(
    '%s',
    async (_name, index) => {
      const { database, drop } = await createTestDatabase(engine, { empty: true });
      try {
        const { db } = database;
        await new Migrator(db, migrations.slice(0, index)).migrate();
        if (index >= 5) await new PlayHistoryPartitions(db, 6).ensure();
        const before = await fill(database, index);
        expect(await new Migrator(db).migrate()).toMatchObject({
          applied: migrations.slice(index).map((m) => m.name),
        });
        const after = await counts(database);
        expect(after).toMatchObject(before);
        // every library row keeps its play counters (0011 moved them to their own table)
        expect(after.user_track_stats).toBe(after.user_track);
        // the local user administers their own instance (0018, when it is among those applied:
        // a local user made after it is a plain user until it is made admin)
        const local = await db
          .selectFrom('app_user')
          .select('is_admin')
          .where('username', '=', 'local')
          .executeTakeFirstOrThrow();
        const accounts = migrations.findIndex((m) => m.name === '0018-accounts');
        expect(local.is_admin).toBe(index <= accounts);
        // genres and tags get their sort keys (0016)
        if (index < 4) return;
        const keys = await sql<{ genre: string; tag: string }>`
          SELECT (SELECT sort_name FROM genre) AS genre, (SELECT sort_key FROM tag) AS tag`.execute(
          db,
        );
        expect(keys.rows[0]).toEqual({ genre: 'musica mexicana', tag: 'cafe' });
      } finally {
        await drop();
      }
    },
  );
});

/** Rows every migration up to `index` can hold: users, a catalog, libraries, plays. */
async function fill(database: Database, index: number) {
  const { db } = database;
  await newUser(db, 'local');
  for (let u = 0; u < 3; u++) {
    const user = await newUser(db);
    if (index < 4) continue;
    for (let t = 0; t < 5; t++) {
      const userTrack = await newUserTrack(db, user.id, {
        artist: `Artist ${t % 2}`,
        counters: index > migrations.findIndex((m) => m.name === '0011-play-counters'),
      });
      if (index < 5) continue;
      await db
        .insertInto('play_history_archive')
        .values({
          user_id: user.id,
          user_track_id: userTrack.id,
          played_at: new Date(Date.UTC(2015, t, 1)),
          ms_played: 1000 * t,
          source: 'spotify_export',
        })
        .execute();
    }
  }
  if (index >= 3) await newTrack(db, { name: 'Unsaved' });
  if (index >= 4) await fillNamed(database, index);
  return counts(database);
}

/** Genres, tags and a smart playlist with a rule, in the columns their schema has. */
async function fillNamed(database: Database, index: number) {
  const { db } = database;
  const sortKeys = index > migrations.findIndex((m) => m.name === '0016-smart-playlists');
  const user = (await newUser(db)).id;
  await (
    sortKeys
      ? sql`INSERT INTO genre (name, sort_name) VALUES ('música mexicana', 'musica mexicana')`
      : sql`INSERT INTO genre (name) VALUES ('música mexicana')`
  ).execute(db);
  await (
    sortKeys
      ? sql`INSERT INTO tag (user_id, name, name_key, sort_key) VALUES (${user}, 'Café', 'café', 'cafe')`
      : sql`INSERT INTO tag (user_id, name, name_key) VALUES (${user}, 'Café', 'café')`
  ).execute(db);
  const { rows } = await sql<{ id: number }>`
    INSERT INTO smart_playlist (user_id, name) VALUES (${user}, 'Five stars') RETURNING id`.execute(
    db,
  );
  await sql`INSERT INTO smart_playlist_rule
      (user_id, smart_playlist_id, position, depth, kind, field, operator, value_type, value)
    VALUES (${user}, ${rows[0]!.id}, 0, 1, 'condition', 'RATING', 'EQUALS', 'NUMBER', '{5}')`.execute(
    db,
  );
  // a connected Spotify account, a sync in progress, a playlist (0017 adds their columns)
  await sql`INSERT INTO spotify_account
      (user_id, spotify_user_id, access_token_enc, refresh_token_enc, access_token_expires_at)
    VALUES (${user}, 'spotify-user', '\\x00', '\\x00', now())`.execute(db);
  await sql`INSERT INTO playlist (user_id, name, spotify_playlist_id)
    VALUES (${user}, 'Pushed', 'remote')`.execute(db);
  if (index <= migrations.findIndex((m) => m.name === '0007-imports-and-sync')) return;
  await sql`INSERT INTO sync_state (user_id, kind, status, checkpoint)
    VALUES (${user}, 'library', 'running', '{"offset":50}')`.execute(db);
}

async function counts(database: Database) {
  const tables = [
    'app_user',
    'artist',
    'album',
    'track',
    'user_track',
    'user_track_stats',
    'play_history_archive',
    'genre',
    'tag',
    'smart_playlist',
    'smart_playlist_rule',
    'spotify_account',
    'sync_state',
    'playlist',
  ];
  const result: Record<string, number> = {};
  for (const table of tables) {
    const { rows: exists } = await sql<{ table: string | null }>`
      SELECT to_regclass(${table})::text AS table`.execute(database.db);
    if (!exists[0]?.table) continue;
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(database.db);
    result[table] = rows[0]!.n;
  }
  return result;
}
