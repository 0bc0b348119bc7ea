import { runStatements, type Migration } from './migration.js';

/**
 * A user's own rows. Every key, index and foreign key leads with user_id, so a
 * user's rows sit together and the tables can be distributed on user_id.
 *
 * Keyset indexes: one per sort, every key in one direction, id last as the
 * tie-breaker. A scan in either direction serves asc and desc; nullable keys
 * (last_played_at, rating, ...) are paged in two phases (non-NULL rows, then
 * the NULL rows by id), so NULLs come last in either order from one index.
 */
export const library: Migration = {
  name: '0004-library',
  up: (db) =>
    runStatements(db, [
      `CREATE TABLE user_track (
        user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        id bigint GENERATED ALWAYS AS IDENTITY,
        track_id bigint NOT NULL REFERENCES track (id),
        added_at timestamptz NOT NULL DEFAULT now(),
        liked boolean NOT NULL DEFAULT false,
        -- half stars: 0..10 stands for 0..5 stars
        rating smallint CONSTRAINT user_track_rating_range CHECK (rating BETWEEN 0 AND 10),
        play_count integer NOT NULL DEFAULT 0 CONSTRAINT user_track_play_count_positive CHECK (play_count >= 0),
        skip_count integer NOT NULL DEFAULT 0 CONSTRAINT user_track_skip_count_positive CHECK (skip_count >= 0),
        ms_played bigint NOT NULL DEFAULT 0 CONSTRAINT user_track_ms_played_positive CHECK (ms_played >= 0),
        last_played_at timestamptz,
        -- sort keys copied from the catalog (db/sort-key.ts) so every name sort has an index
        title_sort text COLLATE "C" NOT NULL,
        artist_sort text COLLATE "C" NOT NULL,
        album_sort text COLLATE "C",
        duration_ms integer CHECK (duration_ms > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, id),
        CONSTRAINT user_track_user_track_key UNIQUE (user_id, track_id),
        CONSTRAINT user_track_played_has_time CHECK (play_count = 0 OR last_played_at IS NOT NULL)
      )`,
      `CREATE INDEX user_track_added_idx ON user_track (user_id, added_at, id)`,
      `CREATE INDEX user_track_plays_idx ON user_track (user_id, play_count, id)`,
      `CREATE INDEX user_track_last_played_idx ON user_track (user_id, last_played_at, id)`,
      `CREATE INDEX user_track_rating_idx ON user_track (user_id, rating, id)`,
      `CREATE INDEX user_track_title_idx ON user_track (user_id, title_sort, id)`,
      `CREATE INDEX user_track_artist_idx ON user_track (user_id, artist_sort, album_sort, id)`,
      `CREATE INDEX user_track_album_idx ON user_track (user_id, album_sort, id)`,
      `CREATE INDEX user_track_duration_idx ON user_track (user_id, duration_ms, id)`,
      // Merging an unresolved track into its resolved twin touches every user who has it.
      `CREATE INDEX user_track_track_idx ON user_track (track_id, user_id)`,

      `CREATE TABLE tag (
        user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        id bigint GENERATED ALWAYS AS IDENTITY,
        name text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 100),
        -- case-folded name (Unicode-aware, computed by the app: PGlite's lower() is ASCII-only)
        name_key text COLLATE "C" NOT NULL CHECK (name_key <> ''),
        color text CHECK (color ~ '^#[0-9a-f]{6}$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, id),
        CONSTRAINT tag_name_key UNIQUE (user_id, name_key)
      )`,
      `CREATE TABLE track_tag (
        user_id bigint NOT NULL,
        user_track_id bigint NOT NULL,
        tag_id bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, user_track_id, tag_id),
        FOREIGN KEY (user_id, user_track_id) REFERENCES user_track (user_id, id) ON DELETE CASCADE,
        FOREIGN KEY (user_id, tag_id) REFERENCES tag (user_id, id) ON DELETE CASCADE
      )`,
      `CREATE INDEX track_tag_tag_idx ON track_tag (user_id, tag_id, user_track_id)`,

      `CREATE TABLE playlist (
        user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        id bigint GENERATED ALWAYS AS IDENTITY,
        name text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
        description text CHECK (length(description) <= 2000),
        spotify_playlist_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, id)
      )`,
      `CREATE INDEX playlist_name_idx ON playlist (user_id, name, id)`,
      // Order is a fractional key: moving one entry rewrites one row, not the playlist.
      `CREATE TABLE playlist_track (
        user_id bigint NOT NULL,
        id bigint GENERATED ALWAYS AS IDENTITY,
        playlist_id bigint NOT NULL,
        user_track_id bigint NOT NULL,
        position text COLLATE "C" NOT NULL CHECK (position <> ''),
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, id),
        CONSTRAINT playlist_track_position_key UNIQUE (user_id, playlist_id, position),
        FOREIGN KEY (user_id, playlist_id) REFERENCES playlist (user_id, id) ON DELETE CASCADE,
        FOREIGN KEY (user_id, user_track_id) REFERENCES user_track (user_id, id) ON DELETE CASCADE
      )`,
      `CREATE INDEX playlist_track_user_track_idx ON playlist_track (user_id, user_track_id)`,

      `CREATE TYPE rule_match AS ENUM ('all', 'any')`,
      `CREATE TYPE rule_kind AS ENUM ('group', 'condition')`,
      `CREATE TYPE smart_rule_field AS ENUM (
        'RATING', 'PLAY_COUNT', 'LAST_PLAYED', 'ADDED_AT', 'GENRE',
        'ARTIST_NAME', 'ALBUM_NAME', 'TRACK_NAME', 'TAG', 'DURATION'
      )`,
      `CREATE TYPE smart_rule_operator AS ENUM (
        'EQUALS', 'NOT_EQUALS', 'GREATER_THAN', 'LESS_THAN', 'GREATER_EQUAL', 'LESS_EQUAL',
        'CONTAINS', 'NOT_CONTAINS', 'IN', 'NOT_IN', 'BETWEEN'
      )`,
      `CREATE TYPE smart_rule_value_type AS ENUM ('NUMBER', 'STRING', 'DATE', 'BOOLEAN')`,
      `CREATE TYPE smart_limit_unit AS ENUM ('tracks', 'minutes')`,
      `CREATE TYPE smart_limit_order AS ENUM (
        'random', 'most_played', 'least_played', 'highest_rated', 'lowest_rated',
        'most_recently_played', 'least_recently_played', 'most_recently_added',
        'least_recently_added', 'name'
      )`,
      `CREATE TABLE smart_playlist (
        user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        id bigint GENERATED ALWAYS AS IDENTITY,
        name text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
        description text CHECK (length(description) <= 2000),
        match rule_match NOT NULL DEFAULT 'all',
        limit_count integer CHECK (limit_count > 0),
        limit_unit smart_limit_unit,
        limit_order smart_limit_order,
        random_seed integer NOT NULL DEFAULT 0,
        refreshed_at timestamptz,
        spotify_playlist_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, id),
        CONSTRAINT smart_playlist_limit_complete CHECK (
          (limit_count IS NULL AND limit_unit IS NULL AND limit_order IS NULL)
          OR (limit_count IS NOT NULL AND limit_unit IS NOT NULL AND limit_order IS NOT NULL)
        )
      )`,
      // A rule tree: groups (all / any) hold conditions and further groups.
      // A condition's operands are text in canonical form, typed by value_type;
      // their number follows the operator (BETWEEN two, IN any, EQUALS one).
      `CREATE TABLE smart_playlist_rule (
        user_id bigint NOT NULL,
        id bigint GENERATED ALWAYS AS IDENTITY,
        smart_playlist_id bigint NOT NULL,
        parent_id bigint,
        position smallint NOT NULL CHECK (position >= 0),
        depth smallint NOT NULL CHECK (depth BETWEEN 1 AND 5),
        kind rule_kind NOT NULL,
        match rule_match,
        field smart_rule_field,
        operator smart_rule_operator,
        value_type smart_rule_value_type,
        value text[] NOT NULL DEFAULT '{}',
        PRIMARY KEY (user_id, id),
        CONSTRAINT smart_playlist_rule_playlist_key UNIQUE (user_id, smart_playlist_id, id),
        CONSTRAINT smart_playlist_rule_position_key
          UNIQUE NULLS NOT DISTINCT (user_id, smart_playlist_id, parent_id, position),
        FOREIGN KEY (user_id, smart_playlist_id) REFERENCES smart_playlist (user_id, id) ON DELETE CASCADE,
        FOREIGN KEY (user_id, smart_playlist_id, parent_id)
          REFERENCES smart_playlist_rule (user_id, smart_playlist_id, id) ON DELETE CASCADE,
        CONSTRAINT smart_playlist_rule_shape CHECK (
          (kind = 'group' AND match IS NOT NULL AND field IS NULL AND operator IS NULL
            AND value_type IS NULL AND cardinality(value) = 0)
          OR (kind = 'condition' AND match IS NULL AND field IS NOT NULL
            AND operator IS NOT NULL AND value_type IS NOT NULL)
        ),
        CONSTRAINT smart_playlist_rule_root_depth CHECK ((parent_id IS NULL) = (depth = 1))
      )`,
      `CREATE TABLE smart_playlist_track (
        user_id bigint NOT NULL,
        smart_playlist_id bigint NOT NULL,
        position integer NOT NULL CHECK (position >= 0),
        user_track_id bigint NOT NULL,
        PRIMARY KEY (user_id, smart_playlist_id, position),
        CONSTRAINT smart_playlist_track_track_key UNIQUE (user_id, smart_playlist_id, user_track_id),
        FOREIGN KEY (user_id, smart_playlist_id) REFERENCES smart_playlist (user_id, id) ON DELETE CASCADE,
        FOREIGN KEY (user_id, user_track_id) REFERENCES user_track (user_id, id) ON DELETE CASCADE
      )`,
      `CREATE INDEX smart_playlist_track_user_track_idx ON smart_playlist_track (user_id, user_track_id)`,
    ]),
};
