import { runStatements, type Migration } from './migration.js';

export const users: Migration = {
  name: '0002-users',
  up: (db) =>
    runStatements(db, [
      `CREATE TABLE app_user (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        username text NOT NULL,
        display_name text,
        password_hash text,
        is_admin boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT app_user_username_format CHECK (username ~ '^[a-z0-9][a-z0-9_.-]{0,39}$'),
        CONSTRAINT app_user_username_key UNIQUE (username)
      )`,
      `CREATE TABLE user_settings (
        user_id bigint PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
        time_zone text NOT NULL DEFAULT 'UTC' CHECK (time_zone <> ''),
        play_threshold_ms integer NOT NULL DEFAULT 30000
          CHECK (play_threshold_ms BETWEEN 0 AND 600000),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE user_session (
        user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        id bigint GENERATED ALWAYS AS IDENTITY,
        token_hash bytea NOT NULL CHECK (octet_length(token_hash) = 32),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        user_agent text,
        PRIMARY KEY (user_id, id),
        CHECK (expires_at > created_at)
      )`,
      // Authentication looks a session up by its token before the user is known.
      `CREATE UNIQUE INDEX user_session_token_hash_key ON user_session (token_hash)`,
      `CREATE TABLE api_token (
        user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        id bigint GENERATED ALWAYS AS IDENTITY,
        name text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 100),
        token_hash bytea NOT NULL CHECK (octet_length(token_hash) = 32),
        token_hint text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        PRIMARY KEY (user_id, id)
      )`,
      // Same reason as user_session: the token names the user.
      `CREATE UNIQUE INDEX api_token_token_hash_key ON api_token (token_hash)`,
      `CREATE TYPE spotify_account_status AS ENUM ('connected', 'needs_reconnect')`,
      `CREATE TABLE spotify_account (
        user_id bigint PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
        spotify_user_id text NOT NULL,
        display_name text,
        scopes text[] NOT NULL DEFAULT '{}',
        -- AES-256-GCM: iv || tag || ciphertext, key from config.
        access_token_enc bytea NOT NULL,
        refresh_token_enc bytea NOT NULL,
        access_token_expires_at timestamptz NOT NULL,
        status spotify_account_status NOT NULL DEFAULT 'connected',
        connected_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      // "Sign in with Spotify" finds the Spotlib user from the Spotify user; one link each.
      `CREATE UNIQUE INDEX spotify_account_spotify_user_key ON spotify_account (spotify_user_id)`,
    ]),
};
