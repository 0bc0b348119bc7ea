import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { AuthUser } from '../auth/auth-user.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import type { Page } from '../common/pagination/page.js';
import type { CursorBinding } from '../common/pagination/cursor-codec.js';
import { CursorService } from '../common/pagination/cursor.service.js';
import { sortKey } from '../db/sort-key.js';
import { LibraryRepository } from './library.repository.js';
import {
  TrackListRepository,
  type TrackFilters,
  type TrackItem,
  type TrackPosition,
  type TrackSort,
} from './track-list.repository.js';
import type { TracksQueryDto } from './tracks.dto.js';

const position: z.ZodType<TrackPosition> = z.object({
  phase: z.union([z.literal(0), z.literal(1)]),
  keys: z.array(z.string().max(2000)).max(2),
  id: z.number().int().positive(),
});

@Injectable()
export class TracksService {
  constructor(
    private readonly list: TrackListRepository,
    private readonly library: LibraryRepository,
    private readonly cursors: CursorService,
  ) {}

  async page(user: AuthUser, query: TracksQueryDto): Promise<Page<TrackItem>> {
    const { limit, cursor, sort, order, ...filterQuery } = query;
    const filters = toFilters(filterQuery);
    return this.pageOf(
      user.id,
      { limit, cursor, sort, order },
      filters,
      bindingOf(sort, order, filters),
    );
  }

  /**
   * A page of the user's tracks that pass `filters` (a smart playlist's is a
   * compiled condition); its cursor fits only `binding`.
   */
  async pageOf(
    userId: number,
    query: { sort: TrackSort; order: 'asc' | 'desc'; limit: number; cursor?: string | undefined },
    filters: TrackFilters,
    binding: CursorBinding,
  ): Promise<Page<TrackItem>> {
    const { limit, cursor, sort, order } = query;
    const after = cursor ? await this.cursors.decode(cursor, binding, position) : undefined;
    const rows = await this.list.page(userId, { sort, order, limit: limit + 1, after, filters });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const nextCursor =
      rows.length > limit && last ? await this.cursors.encode(binding, last.position) : null;
    return { items: items.map(({ position: _position, ...item }) => item), nextCursor };
  }

  /** The cursor that continues after `position` (the benchmark starts deep pages with it). */
  cursorAfter(sort: TrackSort, order: 'asc' | 'desc', position: TrackPosition): Promise<string> {
    return this.cursors.encode(bindingOf(sort, order, {}), position);
  }

  /** Sets or clears a rating given in stars (0..5, half steps); stored as half stars. */
  async rate(user: AuthUser, userTrackId: number, stars: number | null): Promise<void> {
    const found = await this.library.setRating(
      user.id,
      userTrackId,
      stars === null ? null : stars * 2,
    );
    if (!found) throw new ApiError(404, 'not_found', `No track ${userTrackId} in your library`);
  }
}

/** A cursor only fits the sort and filters it was made for. */
function bindingOf(sort: TrackSort, order: 'asc' | 'desc', filters: TrackFilters) {
  return { query: 'tracks', sort, order, ...filters };
}

function toFilters(
  query: Omit<TracksQueryDto, 'limit' | 'cursor' | 'sort' | 'order'>,
): TrackFilters {
  return {
    tagIds: query.tag && [...new Set(query.tag)].sort((a, b) => a - b),
    genre: query.genre,
    artistId: query.artist,
    albumId: query.album,
    rated: query.rated,
    liked: query.liked,
    played: query.played,
    words: query.q?.split(' ').map(sortKey).filter(Boolean),
  };
}
