import type { ColumnType, Selectable } from 'kysely';

/**
 * The database as the migrations in db/migrations build it. Bigints are read
 * as JS numbers (db/type-parsers.ts): ids and counters stay far below 2^53.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Id = ColumnType<number, never, never>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export type JobStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
export type PlaySource =
  'spotify_export' | 'spotify_account_export' | 'spotify_recent' | 'listenbrainz' | 'generator';
export type GenreSource = 'spotify' | 'user' | 'musicbrainz' | 'lastfm';
export type SpotifyAccountStatus = 'connected' | 'needs_reconnect';
export type SyncKind = 'library' | 'recently_played' | 'playlists' | 'artists' | 'resolution';
export type RuleMatch = 'all' | 'any';
export type RuleKind = 'group' | 'condition';
export type SmartRuleField =
  | 'RATING'
  | 'PLAY_COUNT'
  | 'LAST_PLAYED'
  | 'ADDED_AT'
  | 'GENRE'
  | 'ARTIST_NAME'
  | 'ALBUM_NAME'
  | 'TRACK_NAME'
  | 'TAG'
  | 'DURATION'
  | 'SKIP_COUNT'
  | 'LIKED'
  | 'MS_PLAYED'
  | 'IN_PLAYLIST';
export type SmartRuleOperator =
  | 'EQUALS'
  | 'NOT_EQUALS'
  | 'GREATER_THAN'
  | 'LESS_THAN'
  | 'GREATER_EQUAL'
  | 'LESS_EQUAL'
  | 'CONTAINS'
  | 'NOT_CONTAINS'
  | 'IN'
  | 'NOT_IN'
  | 'BETWEEN'
  | 'IS_EMPTY'
  | 'IS_NOT_EMPTY'
  | 'IN_THE_LAST'
  | 'NOT_IN_THE_LAST'
  | 'STARTS_WITH'
  | 'ENDS_WITH';
export type SmartRuleValueType = 'NUMBER' | 'STRING' | 'DATE' | 'BOOLEAN' | 'PERIOD' | 'PLAYLIST';
export type SmartLimitUnit = 'tracks' | 'minutes';
export type SmartLimitOrder =
  | 'random'
  | 'most_played'
  | 'least_played'
  | 'highest_rated'
  | 'lowest_rated'
  | 'most_recently_played'
  | 'least_recently_played'
  | 'most_recently_added'
  | 'least_recently_added'
  | 'name';

export interface SchemaMigrationTable {
  name: string;
  applied_at: CreatedAt;
}

export interface InstanceSecretTable {
  name: string;
  value: Uint8Array;
  created_at: CreatedAt;
}

export interface AppUserTable {
  id: Id;
  username: string;
  display_name: string | null;
  password_hash: string | null;
  is_admin: Defaulted<boolean>;
  /** a demo profile: the user whose it is (POST /api/demo) */
  demo_of: ColumnType<number | null, number | null | undefined, never>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface UserSettingsTable {
  user_id: number;
  time_zone: Defaulted<string>;
  play_threshold_ms: Defaulted<number>;
  updated_at: UpdatedAt;
}

export interface UserSessionTable {
  user_id: number;
  id: Id;
  token_hash: Uint8Array;
  created_at: CreatedAt;
  last_seen_at: UpdatedAt;
  expires_at: Timestamp;
  user_agent: string | null;
}

export interface ApiTokenTable {
  user_id: number;
  id: Id;
  name: string;
  token_hash: Uint8Array;
  token_hint: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface SpotifyAccountTable {
  user_id: number;
  spotify_user_id: string;
  display_name: string | null;
  scopes: Defaulted<string[]>;
  access_token_enc: Uint8Array;
  refresh_token_enc: Uint8Array;
  access_token_expires_at: Timestamp;
  status: Defaulted<SpotifyAccountStatus>;
  last_error: string | null;
  /** the last complete sync's summary (SyncSummary) */
  last_sync: ColumnType<unknown, string | null, string | null> | null;
  last_sync_at: Timestamp | null;
  connected_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ArtistTable {
  id: Id;
  spotify_id: string | null;
  name: string;
  sort_name: string;
  image_url: string | null;
  /** when Spotify's artist details (genres, image) were last read */
  details_fetched_at: Timestamp | null;
  /** catalog_state.genres_version of the last change to its catalog genres (0: none since) */
  genres_version: Defaulted<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AlbumTable {
  id: Id;
  spotify_id: string | null;
  name: string;
  sort_name: string;
  artist_id: number;
  release_date: string | null;
  image_url: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TrackTable {
  id: Id;
  spotify_id: string | null;
  name: string;
  sort_name: string;
  artist_id: number;
  album_id: number | null;
  duration_ms: number | null;
  disc_number: number | null;
  track_number: number | null;
  explicit: boolean | null;
  isrc: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TrackArtistTable {
  track_id: number;
  position: number;
  artist_id: number;
}

export interface GenreTable {
  id: Id;
  name: string;
  /** sortKey(name): what rules match */
  sort_name: string;
}

export interface ArtistGenreTable {
  artist_id: number;
  genre_id: number;
  source: GenreSource;
  created_at: CreatedAt;
}

export interface UserArtistGenreTable {
  user_id: number;
  artist_id: number;
  genre_id: number;
  /** true: the user added this genre; false: the user hid the catalog's */
  assigned: boolean;
  created_at: CreatedAt;
}

export interface UserRollupStateTable {
  user_id: number;
  time_zone: string;
  ready: Defaulted<boolean>;
  built_at: Date | null;
  /** the catalog genres version the user's tag and genre stats hold for; null: awaiting a build */
  label_stats_version: number | null;
}

/** All-time plays and time of one tag (user_tag_stats) or genre (user_genre_stats). */
interface LabelStats {
  user_id: number;
  play_count: Defaulted<number>;
  ms_played: Defaulted<number>;
}

export interface UserTagStatsTable extends LabelStats {
  tag_id: number;
}

export interface UserGenreStatsTable extends LabelStats {
  genre_id: number;
}

/** One row: what the whole catalog shares, such as the version of its genres. */
export interface CatalogStateTable {
  singleton: Defaulted<boolean>;
  genres_version: Defaulted<number>;
}

export interface UserHourRollupTable {
  user_id: number;
  /** the local wall-clock hour in the zone of user_rollup_state */
  hour: Date;
  plays: number;
  ms_played: number;
}

interface MonthRollup {
  user_id: number;
  month: Date;
  plays: number;
  ms_played: number;
}

export interface UserArtistMonthTable extends MonthRollup {
  artist_id: number;
}

export interface UserAlbumMonthTable extends MonthRollup {
  album_id: number;
}

export interface UserTrackTable {
  user_id: number;
  id: Id;
  track_id: number;
  added_at: Defaulted<Date>;
  liked: Defaulted<boolean>;
  /** the Spotify library sync run (its start) that last saw the track liked */
  liked_synced_at: Timestamp | null;
  /** half stars, 0..10 */
  rating: number | null;
  title_sort: string;
  artist_sort: string;
  album_sort: string | null;
  duration_ms: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** A user track's play counters (one row per user_track, written with it). */
export interface UserTrackStatsTable {
  user_id: number;
  user_track_id: number;
  play_count: Defaulted<number>;
  skip_count: Defaulted<number>;
  ms_played: Defaulted<number>;
  last_played_at: Timestamp | null;
}

export interface TagTable {
  user_id: number;
  id: Id;
  name: string;
  name_key: string;
  /** sortKey(name): what rules match */
  sort_key: string;
  color: string | null;
  created_at: CreatedAt;
}

export interface TrackTagTable {
  user_id: number;
  user_track_id: number;
  tag_id: number;
  created_at: CreatedAt;
}

export interface PlaylistTable {
  user_id: number;
  id: Id;
  name: string;
  description: string | null;
  spotify_playlist_id: string | null;
  /** the playlist's snapshot on Spotify after our last push */
  spotify_snapshot_id: string | null;
  /** a push began creating the Spotify playlist and has not stored it yet */
  spotify_create_started_at: Timestamp | null;
  pushed_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface PlaylistTrackTable {
  user_id: number;
  id: Id;
  playlist_id: number;
  user_track_id: number;
  position: string;
  added_at: CreatedAt;
}

export interface SmartPlaylistTable {
  user_id: number;
  id: Id;
  name: string;
  description: string | null;
  match: Defaulted<RuleMatch>;
  limit_count: number | null;
  limit_unit: SmartLimitUnit | null;
  limit_order: SmartLimitOrder | null;
  random_seed: Defaulted<number>;
  evaluated_at: Timestamp | null;
  spotify_playlist_id: string | null;
  /** the playlist's snapshot on Spotify after our last push */
  spotify_snapshot_id: string | null;
  /** a push began creating the Spotify playlist and has not stored it yet */
  spotify_create_started_at: Timestamp | null;
  pushed_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SmartPlaylistRuleTable {
  user_id: number;
  id: Id;
  smart_playlist_id: number;
  parent_id: number | null;
  position: number;
  depth: number;
  kind: RuleKind;
  match: RuleMatch | null;
  field: SmartRuleField | null;
  operator: SmartRuleOperator | null;
  value_type: SmartRuleValueType | null;
  value: Defaulted<string[]>;
}

export interface SmartPlaylistTrackTable {
  user_id: number;
  smart_playlist_id: number;
  position: number;
  user_track_id: number;
}

export interface PlayHistoryTable {
  user_id: number;
  user_track_id: number;
  /** when the play ended */
  played_at: Timestamp;
  ms_played: number;
  source: PlaySource;
  skipped: Defaulted<boolean>;
  reason_start: string | null;
  reason_end: string | null;
}

export interface UserArtistTable {
  user_id: number;
  artist_id: number;
  track_count: Defaulted<number>;
  play_count: Defaulted<number>;
  ms_played: Defaulted<number>;
  last_played_at: Timestamp | null;
}

export interface UserAlbumTable {
  user_id: number;
  album_id: number;
  track_count: Defaulted<number>;
  play_count: Defaulted<number>;
  ms_played: Defaulted<number>;
  last_played_at: Timestamp | null;
}

export interface ImportTable {
  user_id: number;
  id: Id;
  status: Defaulted<JobStatus>;
  source_name: string;
  total_bytes: Defaulted<number>;
  processed_bytes: Defaulted<number>;
  rows_read: Defaulted<number>;
  rows_inserted: Defaulted<number>;
  rows_duplicate: Defaulted<number>;
  rows_skipped: Defaulted<number>;
  error: string | null;
  created_at: CreatedAt;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  summary: ColumnType<unknown, string | null, string | null> | null;
  upload_dir: string | null;
}

export interface ImportFingerprintTable {
  user_id: number;
  sha256: Buffer;
  size_bytes: number;
  kind: string;
  play_threshold_ms: number;
  rows: number;
  play_rows: number;
  below_threshold: number;
  non_music: number;
  invalid_rows: number;
  imported_at: UpdatedAt;
}

export interface SyncStateTable {
  user_id: number;
  kind: SyncKind;
  status: Defaulted<JobStatus>;
  checkpoint: string | null;
  last_success_at: Timestamp | null;
  last_error: string | null;
  items_done: Defaulted<number>;
  items_total: number | null;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  updated_at: UpdatedAt;
}

export interface SpotifyAuthorizationTable {
  user_id: number;
  state: string;
  code_verifier: string;
  redirect_uri: string;
  created_at: CreatedAt;
}

export interface SpotifySigninTable {
  state: string;
  code_verifier: string;
  redirect_uri: string;
  created_at: CreatedAt;
}

export type ArchiveMoveStep = 'detaching' | 'detached' | 'attached';

export interface HistoryArchiveMoveTable {
  partition_name: string;
  step: ArchiveMoveStep;
  started_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface DB {
  schema_migration: SchemaMigrationTable;
  instance_secret: InstanceSecretTable;
  app_user: AppUserTable;
  user_settings: UserSettingsTable;
  user_session: UserSessionTable;
  api_token: ApiTokenTable;
  spotify_account: SpotifyAccountTable;
  spotify_authorization: SpotifyAuthorizationTable;
  spotify_signin: SpotifySigninTable;
  artist: ArtistTable;
  album: AlbumTable;
  track: TrackTable;
  track_artist: TrackArtistTable;
  genre: GenreTable;
  artist_genre: ArtistGenreTable;
  user_artist_genre: UserArtistGenreTable;
  user_rollup_state: UserRollupStateTable;
  user_tag_stats: UserTagStatsTable;
  user_genre_stats: UserGenreStatsTable;
  catalog_state: CatalogStateTable;
  user_hour_rollup: UserHourRollupTable;
  user_artist_month: UserArtistMonthTable;
  user_album_month: UserAlbumMonthTable;
  user_track: UserTrackTable;
  user_track_stats: UserTrackStatsTable;
  tag: TagTable;
  track_tag: TrackTagTable;
  playlist: PlaylistTable;
  playlist_track: PlaylistTrackTable;
  smart_playlist: SmartPlaylistTable;
  smart_playlist_rule: SmartPlaylistRuleTable;
  smart_playlist_track: SmartPlaylistTrackTable;
  play_history: PlayHistoryTable;
  play_history_archive: PlayHistoryTable;
  user_artist: UserArtistTable;
  user_album: UserAlbumTable;
  import: ImportTable;
  import_fingerprint: ImportFingerprintTable;
  sync_state: SyncStateTable;
  history_archive_move: HistoryArchiveMoveTable;
}

export type AppUser = Selectable<AppUserTable>;
