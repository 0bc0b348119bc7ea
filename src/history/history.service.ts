import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { AuthUser } from '../auth/auth-user.js';
import type { Page } from '../common/pagination/page.js';
import { CursorService } from '../common/pagination/cursor.service.js';
import type { HistoryQueryDto, PlayItem } from './history.dto.js';
import { HistoryRepository, type PlayRow } from './history.repository.js';

const historyPosition = z.tuple([z.iso.datetime(), z.number().int().positive()]);

@Injectable()
export class HistoryService {
  constructor(
    private readonly history: HistoryRepository,
    private readonly cursors: CursorService,
  ) {}

  async list(user: AuthUser, query: HistoryQueryDto): Promise<Page<PlayItem>> {
    const binding = { query: 'history', from: query.from, to: query.to };
    const before = query.cursor
      ? await this.cursors.decode(query.cursor, binding, historyPosition)
      : undefined;
    const rows = await this.history.listPlays(
      user.id,
      {
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
        before: before ? [new Date(before[0]), before[1]] : undefined,
      },
      query.limit + 1,
    );
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    const nextCursor =
      rows.length > query.limit && last
        ? await this.cursors.encode(binding, [last.played_at.toISOString(), last.user_track_id])
        : null;
    return { items: items.map(toItem), nextCursor };
  }
}

function toItem(row: PlayRow): PlayItem {
  return {
    playedAt: row.played_at.toISOString(),
    msPlayed: row.ms_played,
    skipped: row.skipped,
    source: row.source,
    track: {
      id: row.user_track_id,
      name: row.track_name,
      artist: { id: row.artist_id, name: row.artist_name },
      album: row.album_id === null ? null : { id: row.album_id, name: row.album_name! },
    },
  };
}
