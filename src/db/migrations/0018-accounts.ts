import { runStatements, type Migration } from './migration.js';

export const accounts: Migration = {
  name: '0018-accounts',
  up: (db) =>
    runStatements(db, [
      // The local user administers their own instance (database report, metrics).
      `UPDATE app_user SET is_admin = true WHERE username = 'local'`,
      // Expired sessions are swept by this; a session lookup goes by token hash.
      `CREATE INDEX user_session_expires_at_idx ON user_session (expires_at)`,
    ]),
};
