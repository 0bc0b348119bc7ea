import { runStatements, type Migration } from './migration.js';

/** An import's report (counts by kind, per-file errors), read back as a whole by the API. */
export const importSummary: Migration = {
  name: '0009-import-summary',
  up: (db) => runStatements(db, [`ALTER TABLE import ADD COLUMN summary jsonb`]),
};
