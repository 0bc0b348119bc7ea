import { sql } from 'kysely';
import { numberArray, textArray } from '../array-literal.js';
import { sortKey } from '../sort-key.js';
import { runStatements, type Migration } from './migration.js';

/**
 * Smart playlists beyond the guide's ten fields and eleven operators: counts
 * of skips and time, liked, membership of another playlist; emptiness,
 * relative dates and prefix / suffix matches. A relative period and a
 * playlist reference are values of their own type.
 *
 * Rules compare text ignoring case and accents, as search does, so genres
 * and tags get the sort key tracks, artists and albums already have
 * (computed by the application: PGlite's lower() folds only ASCII).
 */
export const smartPlaylists: Migration = {
  name: '0016-smart-playlists',
  up: async (db) => {
    await runStatements(db, [
      ...['SKIP_COUNT', 'LIKED', 'MS_PLAYED', 'IN_PLAYLIST'].map(
        (v) => `ALTER TYPE smart_rule_field ADD VALUE IF NOT EXISTS '${v}'`,
      ),
      ...[
        'IS_EMPTY',
        'IS_NOT_EMPTY',
        'IN_THE_LAST',
        'NOT_IN_THE_LAST',
        'STARTS_WITH',
        'ENDS_WITH',
      ].map((v) => `ALTER TYPE smart_rule_operator ADD VALUE IF NOT EXISTS '${v}'`),
      ...['PERIOD', 'PLAYLIST'].map(
        (v) => `ALTER TYPE smart_rule_value_type ADD VALUE IF NOT EXISTS '${v}'`,
      ),
      `ALTER TABLE smart_playlist RENAME COLUMN refreshed_at TO evaluated_at`,
      `ALTER TABLE genre ADD COLUMN sort_name text COLLATE "C"`,
      `ALTER TABLE tag ADD COLUMN sort_key text COLLATE "C"`,
    ]);
    const genres = await sql<{ id: number; name: string }>`SELECT id, name FROM genre`.execute(db);
    await sql`UPDATE genre g SET sort_name = n.sort_name
      FROM unnest(${numberArray(genres.rows.map((g) => g.id))}::bigint[],
        ${textArray(genres.rows.map((g) => sortKey(g.name)))}::text[]) AS n(id, sort_name)
      WHERE g.id = n.id`.execute(db);
    const tags = await sql<{ name: string }>`SELECT DISTINCT name FROM tag`.execute(db);
    await sql`UPDATE tag t SET sort_key = n.sort_key
      FROM unnest(${textArray(tags.rows.map((t) => t.name))}::text[],
        ${textArray(tags.rows.map((t) => sortKey(t.name)))}::text[]) AS n(name, sort_key)
      WHERE t.name = n.name`.execute(db);
    await runStatements(db, [
      `ALTER TABLE genre ALTER COLUMN sort_name SET NOT NULL`,
      `ALTER TABLE tag ALTER COLUMN sort_key SET NOT NULL`,
    ]);
  },
};
