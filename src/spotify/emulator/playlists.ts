import { createHash } from 'node:crypto';
import { randomSpotifyId } from './world.js';

/**
 * The user's playlists. Every change gives the playlist a new snapshot id,
 * as Spotify does; a client compares snapshot ids to notice edits made
 * elsewhere.
 */

export interface PlaylistEntry {
  trackIndex: number;
  addedAtMs: number;
}

export interface Playlist {
  id: string;
  name: string;
  description: string | null;
  public: boolean;
  collaborative: boolean;
  snapshotId: string;
  /** Bumped by every change; the snapshot id derives from it. */
  version: number;
  entries: PlaylistEntry[];
  createdAtMs: number;
}

export interface PlaylistDetails {
  name?: string | undefined;
  description?: string | undefined;
  public?: boolean | undefined;
  collaborative?: boolean | undefined;
}

/** A playlist's items change by at most 100 per request. */
export const MAX_ITEMS_PER_REQUEST = 100;

export class Playlists {
  private readonly byId = new Map<string, Playlist>();

  constructor(private readonly random: () => number) {}

  get(id: string): Playlist | undefined {
    return this.byId.get(id);
  }

  /** Newest first, as Spotify lists a user's playlists. */
  all(): Playlist[] {
    return [...this.byId.values()].reverse();
  }

  create(details: PlaylistDetails & { name: string }): Playlist {
    let id = randomSpotifyId(this.random);
    while (this.byId.has(id)) id = randomSpotifyId(this.random);
    const playlist: Playlist = {
      id,
      name: details.name,
      description: details.description ?? null,
      public: details.public ?? true,
      collaborative: details.collaborative ?? false,
      snapshotId: '',
      version: 0,
      entries: [],
      createdAtMs: Date.now(),
    };
    this.changed(playlist);
    this.byId.set(id, playlist);
    return playlist;
  }

  changeDetails(playlist: Playlist, details: PlaylistDetails): void {
    if (details.name !== undefined) playlist.name = details.name;
    if (details.description !== undefined) playlist.description = details.description;
    if (details.public !== undefined) playlist.public = details.public;
    if (details.collaborative !== undefined) playlist.collaborative = details.collaborative;
    this.changed(playlist);
  }

  /** Inserts at `position` (appends when undefined); the caller checked 0 <= position <= length. */
  add(playlist: Playlist, trackIndexes: readonly number[], position?: number): void {
    const addedAtMs = Date.now();
    const entries = trackIndexes.map((trackIndex) => ({ trackIndex, addedAtMs }));
    playlist.entries.splice(position ?? playlist.entries.length, 0, ...entries);
    this.changed(playlist);
  }

  replace(playlist: Playlist, trackIndexes: readonly number[]): void {
    const addedAtMs = Date.now();
    playlist.entries = trackIndexes.map((trackIndex) => ({ trackIndex, addedAtMs }));
    this.changed(playlist);
  }

  /** Moves `length` items from `start` to before `insertBefore` (positions before the move). */
  reorder(playlist: Playlist, start: number, length: number, insertBefore: number): void {
    const moved = playlist.entries.splice(start, length);
    const target = insertBefore > start ? insertBefore - moved.length : insertBefore;
    playlist.entries.splice(target, 0, ...moved);
    this.changed(playlist);
  }

  /** Removes every occurrence of the tracks, as Spotify does when no positions are given. */
  remove(playlist: Playlist, trackIndexes: readonly number[]): void {
    const removed = new Set(trackIndexes);
    playlist.entries = playlist.entries.filter((entry) => !removed.has(entry.trackIndex));
    this.changed(playlist);
  }

  private changed(playlist: Playlist): void {
    playlist.version++;
    // Opaque like Spotify's (base64), different for every version.
    playlist.snapshotId = createHash('sha256')
      .update(`${playlist.id}:${playlist.version}`)
      .digest('base64')
      .slice(0, 32);
  }
}
