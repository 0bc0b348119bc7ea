import { foundation } from './0001-foundation.js';
import { users } from './0002-users.js';
import { catalog } from './0003-catalog.js';
import { library } from './0004-library.js';
import { history } from './0005-history.js';
import { aggregates } from './0006-aggregates.js';
import { importsAndSync } from './0007-imports-and-sync.js';
import { recording } from './0008-recording.js';
import { importSummary } from './0009-import-summary.js';
import { importResume } from './0010-import-resume.js';
import { playCounters } from './0011-play-counters.js';
import { librarySearch } from './0012-library-search.js';
import { browse } from './0013-browse.js';
import { userGenres } from './0014-user-genres.js';
import { rollups } from './0015-rollups.js';
import { smartPlaylists } from './0016-smart-playlists.js';
import { spotify } from './0017-spotify.js';
import { accounts } from './0018-accounts.js';
import { demoProfile } from './0019-demo-profile.js';
import { labelStatsMigration } from './0020-label-stats.js';
import { pushCreate } from './0021-push-create.js';
import { rollupsWithoutUserKey } from './0022-rollups-without-user-key.js';
import { importFingerprints } from './0023-import-fingerprints.js';
import { dropImportFile } from './0024-drop-import-file.js';
import type { Migration } from './migration.js';

/** Every migration, in order. Append only: an applied migration never changes. */
export const migrations: readonly Migration[] = [
  foundation,
  users,
  catalog,
  library,
  history,
  aggregates,
  importsAndSync,
  recording,
  importSummary,
  importResume,
  playCounters,
  librarySearch,
  browse,
  userGenres,
  rollups,
  smartPlaylists,
  spotify,
  accounts,
  demoProfile,
  labelStatsMigration,
  pushCreate,
  rollupsWithoutUserKey,
  importFingerprints,
  dropImportFile,
];

export const LATEST_MIGRATION = migrations.at(-1)!.name;
