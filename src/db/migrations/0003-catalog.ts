import { runStatements, type Migration } from './migration.js';

/**
 * The catalog is shared by all users (a reference table when distributed).
 * `sort_name` is the normalised sort key (see db/sort-key.ts), compared
 * byte-wise (COLLATE "C") so PGlite and PostgreSQL order names alike.
 */
export const catalog: Migration = {
  name: '0003-catalog',
  up: (db) =>
    runStatements(db, [
      `CREATE TABLE artist (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        spotify_id text CONSTRAINT artist_spotify_id_key UNIQUE,
        name text NOT NULL CHECK (name <> ''),
        sort_name text COLLATE "C" NOT NULL,
        image_url text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      // Account-data plays carry names only: they are matched by normalised name.
      `CREATE INDEX artist_sort_name_idx ON artist (sort_name)`,
      `CREATE TABLE album (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        spotify_id text CONSTRAINT album_spotify_id_key UNIQUE,
        name text NOT NULL CHECK (name <> ''),
        sort_name text COLLATE "C" NOT NULL,
        artist_id bigint NOT NULL REFERENCES artist (id),
        release_date text CHECK (release_date ~ '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$'),
        image_url text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX album_artist_idx ON album (artist_id, sort_name)`,
      `CREATE TABLE track (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        spotify_id text CONSTRAINT track_spotify_id_key UNIQUE,
        name text NOT NULL CHECK (name <> ''),
        sort_name text COLLATE "C" NOT NULL,
        -- the primary (first credited) artist; all credits are in track_artist
        artist_id bigint NOT NULL REFERENCES artist (id),
        -- NULL while unresolved: account-data plays name no album
        album_id bigint REFERENCES album (id),
        duration_ms integer CHECK (duration_ms > 0),
        disc_number smallint CHECK (disc_number > 0),
        track_number smallint CHECK (track_number > 0),
        explicit boolean,
        isrc text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX track_artist_name_idx ON track (artist_id, sort_name)`,
      `CREATE INDEX track_album_idx ON track (album_id)`,
      `CREATE TABLE track_artist (
        track_id bigint NOT NULL REFERENCES track (id) ON DELETE CASCADE,
        position smallint NOT NULL CHECK (position >= 0),
        artist_id bigint NOT NULL REFERENCES artist (id),
        PRIMARY KEY (track_id, position),
        CONSTRAINT track_artist_track_artist_key UNIQUE (track_id, artist_id)
      )`,
      `CREATE INDEX track_artist_artist_idx ON track_artist (artist_id, track_id)`,
      `CREATE TABLE genre (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL CONSTRAINT genre_name_key UNIQUE
          CHECK (name <> '' AND name = btrim(name))
      )`,
      `CREATE TYPE genre_source AS ENUM ('spotify', 'user', 'musicbrainz', 'lastfm')`,
      `CREATE TABLE artist_genre (
        artist_id bigint NOT NULL REFERENCES artist (id) ON DELETE CASCADE,
        genre_id bigint NOT NULL REFERENCES genre (id) ON DELETE CASCADE,
        source genre_source NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (artist_id, genre_id)
      )`,
      `CREATE INDEX artist_genre_genre_idx ON artist_genre (genre_id, artist_id)`,
    ]),
};
