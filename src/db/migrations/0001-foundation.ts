import { runStatements, type Migration } from './migration.js';

export const foundation: Migration = {
  name: '0001-foundation',
  up: (db) =>
    runStatements(db, [
      // Trigram and accent-folding search over names (library search, smart playlists).
      `CREATE EXTENSION IF NOT EXISTS pg_trgm`,
      `CREATE EXTENSION IF NOT EXISTS unaccent`,
      // Server-side secrets (cursor signing key, ...) created once per installation.
      `CREATE TABLE instance_secret (
        name text PRIMARY KEY,
        value bytea NOT NULL CHECK (octet_length(value) >= 32),
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
    ]),
};
