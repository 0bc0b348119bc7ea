import { Injectable } from '@nestjs/common';
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';
import { z } from 'zod';
import type { AuthUser } from '../auth/auth-user.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import type { Page } from '../common/pagination/page.js';
import { CursorService } from '../common/pagination/cursor.service.js';
import { PlaylistsRepository } from './playlists.repository.js';
import { LibraryRepository } from './library.repository.js';
import { TrackListRepository, type TrackItem } from './track-list.repository.js';

export type PlaylistEntryItem = TrackItem & { entryId: number };

const notFound = (what: string) => new ApiError(404, 'not_found', `No ${what} of yours`);

/**
 * Manual playlists. Entries are ordered by fractional keys (fractional-indexing):
 * adding or moving writes only the entries concerned, never the whole list.
 */
@Injectable()
export class PlaylistsService {
  constructor(
    private readonly playlists: PlaylistsRepository,
    private readonly tracks: TrackListRepository,
    private readonly library: LibraryRepository,
    private readonly cursors: CursorService,
  ) {}

  async list(user: AuthUser) {
    return { items: await this.playlists.list(user.id) };
  }

  create(user: AuthUser, playlist: { name: string; description?: string | null | undefined }) {
    return this.playlists.create(user.id, {
      name: playlist.name,
      description: playlist.description ?? null,
    });
  }

  async update(
    user: AuthUser,
    id: number,
    changes: { name?: string; description?: string | null },
  ) {
    const updated = await this.playlists.update(user.id, id, changes);
    if (!updated) throw notFound(`playlist ${id}`);
    return updated;
  }

  async delete(user: AuthUser, id: number): Promise<void> {
    if (!(await this.playlists.delete(user.id, id))) throw notFound(`playlist ${id}`);
  }

  async entries(
    user: AuthUser,
    id: number,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<Page<PlaylistEntryItem>> {
    const binding = playlistBinding(id);
    const after = page.cursor
      ? await this.cursors.decode(page.cursor, binding, z.string().min(1).max(200))
      : undefined;
    const entries = await this.playlists.entries(user.id, id, page.limit + 1, after);
    // entries are the user's own: only an empty page asks whether the playlist is there
    if (entries.length === 0 && !(await this.playlists.exists(user.id, id))) {
      throw notFound(`playlist ${id}`);
    }
    const shown = entries.slice(0, page.limit);
    const items = await this.tracks.itemsByIds(
      user.id,
      shown.map((e) => e.userTrackId),
    );
    const last = shown.at(-1);
    return {
      items: shown.map((e) => ({ ...items.get(e.userTrackId)!, entryId: e.id })),
      nextCursor:
        entries.length > page.limit && last
          ? await this.cursors.encode(binding, last.position)
          : null,
    };
  }

  /** The cursor that continues after `position` (the benchmark starts deep pages with it). */
  cursorAfter(id: number, position: string): Promise<string> {
    return this.cursors.encode(playlistBinding(id), position);
  }

  /** Adds tracks (in the order given) at the end, or after an entry, or at the start. */
  async add(
    user: AuthUser,
    id: number,
    change: { trackIds: number[]; after?: number | null | undefined },
  ) {
    const missing = await this.library.missingTracks(user.id, change.trackIds);
    if (missing.length) throw notFound(`track ${missing.join(', ')}`);
    const found = await this.playlists.locked(user.id, id, async (db) => {
      const [before, next] = await this.gapAfter(user.id, id, change.after, db);
      const positions = generateNKeysBetween(before, next, change.trackIds.length);
      await this.playlists.addEntries(
        user.id,
        id,
        { userTrackIds: change.trackIds, positions },
        db,
      );
    });
    if (!found) throw notFound(`playlist ${id}`);
    return { added: change.trackIds.length };
  }

  /** Moves one entry after another (or to the start): one row rewritten. */
  async move(user: AuthUser, id: number, entryId: number, after: number | null): Promise<void> {
    if (after === entryId) throw new ApiError(400, 'invalid_move', 'An entry cannot follow itself');
    const found = await this.playlists.locked(user.id, id, async (db) => {
      if (!(await this.playlists.entry(user.id, id, entryId, db))) {
        throw notFound(`entry ${entryId} in playlist ${id}`);
      }
      const [before, next] = await this.gapAfter(user.id, id, after, db, entryId);
      await this.playlists.moveEntry(user.id, entryId, generateKeyBetween(before, next), db);
    });
    if (!found) throw notFound(`playlist ${id}`);
  }

  async remove(user: AuthUser, id: number, entryId: number): Promise<void> {
    if (!(await this.playlists.removeEntry(user.id, id, entryId))) {
      throw notFound(`entry ${entryId} in playlist ${id}`);
    }
  }

  /**
   * The two positions new entries go between: after the entry `after`
   * (undefined: at the end; null: at the start). `moving` is skipped as a
   * neighbour, since it leaves its place.
   */
  private async gapAfter(
    userId: number,
    playlistId: number,
    after: number | null | undefined,
    db: Parameters<PlaylistsRepository['entry']>[3],
    moving?: number,
  ): Promise<[string | null, string | null]> {
    if (after === undefined)
      return [await this.playlists.lastPosition(userId, playlistId, db), null];
    let before: string | null = null;
    if (after !== null) {
      const anchor = await this.playlists.entry(userId, playlistId, after, db);
      if (!anchor) throw notFound(`entry ${after} in playlist ${playlistId}`);
      before = anchor.position;
    }
    let next = await this.playlists.nextPosition(userId, playlistId, before, db);
    if (moving !== undefined && next !== undefined) {
      const self = await this.playlists.entry(userId, playlistId, moving, db);
      if (self?.position === next)
        next = await this.playlists.nextPosition(userId, playlistId, next, db);
    }
    return [before, next ?? null];
  }
}

/** A cursor only fits the playlist it was made for. */
const playlistBinding = (id: number) => ({ query: 'playlist', id });
