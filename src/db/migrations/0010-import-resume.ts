import { runStatements, type Migration } from './migration.js';

/**
 * Where an uploaded import's files wait (a folder under DATA_DIR/uploads), so
 * an import the server stopped resumes at its next start.
 */
export const importResume: Migration = {
  name: '0010-import-resume',
  up: (db) =>
    runStatements(db, [
      `ALTER TABLE import ADD COLUMN upload_dir text CHECK (upload_dir ~ '^[0-9a-f-]{36}$')`,
      `CREATE INDEX import_unfinished_idx ON import (status) WHERE status IN ('pending', 'running')`,
    ]),
};
