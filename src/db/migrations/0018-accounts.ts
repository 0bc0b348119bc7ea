import { runStatements, type Migration } from './migration.js';

export const accounts: Migration = {
  name: '0018-accounts',
  up: (db) =>
    runStatements(db, [
      // The local user administers their own instance (database report, metrics).
      `UPDATE app_user SET is_admin = true WHERE username = 'local'`,
      // Expired sessions are swept by this; a session lookup goes by token hash.
      `CREATE INDEX user_session_expires_at_idx ON user_session (expires_at)`,
      // "Sign in with Spotify" logins in flight: nobody is signed in yet, so no user_id.
      `CREATE TABLE spotify_signin (
        state text PRIMARY KEY,
        code_verifier text NOT NULL,
        redirect_uri text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
    ]),
};
