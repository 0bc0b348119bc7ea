import { runStatements, type Migration } from './migration.js';

/**
 * The history files a user's history holds whole, by content (SHA-256 of
 * the file's bytes), with what reading them found: importing the same file
 * again is then answered from here instead of reading and matching every
 * row to find each one already recorded. A fingerprint holds for the play
 * threshold it was counted under; deleting plays (a track leaving the
 * library) forgets the user's fingerprints, since a re-read would then
 * bring plays back.
 */
export const importFingerprints: Migration = {
  name: '0023-import-fingerprints',
  up: (db) =>
    runStatements(db, [
      `CREATE TABLE import_fingerprint (
        user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        sha256 bytea NOT NULL CHECK (octet_length(sha256) = 32),
        size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
        kind text NOT NULL,
        play_threshold_ms integer NOT NULL,
        rows integer NOT NULL CHECK (rows >= 0),
        play_rows integer NOT NULL CHECK (play_rows >= 0),
        below_threshold integer NOT NULL CHECK (below_threshold >= 0),
        non_music integer NOT NULL CHECK (non_music >= 0),
        invalid_rows integer NOT NULL CHECK (invalid_rows >= 0),
        imported_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, sha256)
      )`,
    ]),
};
