import { runStatements, type Migration } from './migration.js';

/**
 * The live link to Spotify: pending PKCE logins, the account's last error,
 * sync progress and the run a liked track was last seen in (a full sync
 * un-likes what it did not see), the artist-details cache, and what a
 * playlist looked like on Spotify after our last push.
 */
export const spotify: Migration = {
  name: '0017-spotify',
  up: (db) =>
    runStatements(db, [
      // A login in flight: the PKCE verifier waits here for the callback (minutes at most).
      `CREATE TABLE spotify_authorization (
        user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        state text NOT NULL,
        code_verifier text NOT NULL,
        redirect_uri text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, state)
      )`,
      `ALTER TABLE spotify_account ADD COLUMN last_error text`,
      // what the last complete sync did ({savedTracks, newTracks, plays, artists, seconds, ...})
      `ALTER TABLE spotify_account ADD COLUMN last_sync jsonb`,
      `ALTER TABLE spotify_account ADD COLUMN last_sync_at timestamptz`,
      `ALTER TYPE sync_kind ADD VALUE IF NOT EXISTS 'artists'`,
      `ALTER TYPE sync_kind ADD VALUE IF NOT EXISTS 'resolution'`,
      `ALTER TABLE sync_state
        ADD COLUMN items_done bigint NOT NULL DEFAULT 0 CHECK (items_done >= 0),
        ADD COLUMN items_total bigint CHECK (items_total >= 0),
        ADD COLUMN started_at timestamptz,
        ADD COLUMN finished_at timestamptz`,
      `ALTER TABLE user_track ADD COLUMN liked_synced_at timestamptz`,
      `ALTER TABLE artist ADD COLUMN details_fetched_at timestamptz`,
      ...['playlist', 'smart_playlist'].flatMap((table) => [
        `ALTER TABLE ${table} ADD COLUMN spotify_snapshot_id text`,
        `ALTER TABLE ${table} ADD COLUMN pushed_at timestamptz`,
      ]),
    ]),
};
