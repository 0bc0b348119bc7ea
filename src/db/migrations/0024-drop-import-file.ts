import { runStatements, type Migration } from './migration.js';

/**
 * `import_file` was meant to track each file of an import; the import's
 * summary and checkpoint (0009, 0010) and the fingerprints (0023) took its
 * place, and nothing ever wrote to it.
 */
export const dropImportFile: Migration = {
  name: '0024-drop-import-file',
  up: (db) =>
    runStatements(db, ['DROP TABLE IF EXISTS import_file', 'DROP TYPE IF EXISTS import_file_kind']),
};
