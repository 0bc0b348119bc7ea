import { runStatements, type Migration } from './migration.js';

/**
 * State of long jobs, so an interrupted import or sync resumes where it
 * stopped and the UI and CLI can show progress.
 */
export const importsAndSync: Migration = {
  name: '0007-imports-and-sync',
  up: (db) =>
    runStatements(db, [
      `CREATE TYPE job_status AS ENUM ('pending', 'running', 'completed', 'failed', 'cancelled')`,
      `CREATE TYPE import_file_kind AS ENUM (
        'extended_audio', 'extended_video', 'account_music', 'account_podcast',
        'library', 'unknown'
      )`,
      `CREATE TABLE import (
        user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        id bigint GENERATED ALWAYS AS IDENTITY,
        status job_status NOT NULL DEFAULT 'pending',
        source_name text NOT NULL,
        total_bytes bigint NOT NULL DEFAULT 0 CHECK (total_bytes >= 0),
        processed_bytes bigint NOT NULL DEFAULT 0 CHECK (processed_bytes >= 0),
        rows_read bigint NOT NULL DEFAULT 0 CHECK (rows_read >= 0),
        rows_inserted bigint NOT NULL DEFAULT 0 CHECK (rows_inserted >= 0),
        rows_duplicate bigint NOT NULL DEFAULT 0 CHECK (rows_duplicate >= 0),
        rows_skipped bigint NOT NULL DEFAULT 0 CHECK (rows_skipped >= 0),
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        PRIMARY KEY (user_id, id),
        CHECK (processed_bytes <= total_bytes OR total_bytes = 0)
      )`,
      `CREATE INDEX import_created_idx ON import (user_id, created_at, id)`,
      // One row per file of an import; rows_committed is the resume checkpoint.
      `CREATE TABLE import_file (
        user_id bigint NOT NULL,
        import_id bigint NOT NULL,
        id bigint GENERATED ALWAYS AS IDENTITY,
        path text NOT NULL,
        kind import_file_kind NOT NULL,
        size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
        status job_status NOT NULL DEFAULT 'pending',
        rows_committed bigint NOT NULL DEFAULT 0 CHECK (rows_committed >= 0),
        error text,
        PRIMARY KEY (user_id, id),
        CONSTRAINT import_file_path_key UNIQUE (user_id, import_id, path),
        FOREIGN KEY (user_id, import_id) REFERENCES import (user_id, id) ON DELETE CASCADE
      )`,
      `CREATE TYPE sync_kind AS ENUM ('library', 'recently_played', 'playlists')`,
      `CREATE TABLE sync_state (
        user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        kind sync_kind NOT NULL,
        status job_status NOT NULL DEFAULT 'pending',
        -- where to resume: an offset, a played_at watermark, ... (meaning per kind)
        checkpoint text,
        last_success_at timestamptz,
        last_error text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, kind)
      )`,
    ]),
};
