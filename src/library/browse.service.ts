import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { AuthUser } from '../auth/auth-user.js';
import type { Page } from '../common/pagination/page.js';
import { CursorService } from '../common/pagination/cursor.service.js';
import { BrowseRepository, type BrowseItem, type BrowseKind } from './browse.repository.js';
import type { BrowseQueryDto, GenresQueryDto } from './browse.dto.js';

const position = z.object({ key: z.string().max(2000), id: z.number().int().positive() });

@Injectable()
export class BrowseService {
  constructor(
    private readonly browse: BrowseRepository,
    private readonly cursors: CursorService,
  ) {}

  async page(user: AuthUser, kind: BrowseKind, query: BrowseQueryDto): Promise<Page<BrowseItem>> {
    // Names read A to Z, counts biggest first, unless asked otherwise.
    const order = query.order ?? (query.sort === 'name' ? 'asc' : 'desc');
    const binding = { query: kind, sort: query.sort, order };
    const after = query.cursor
      ? await this.cursors.decode(query.cursor, binding, position)
      : undefined;
    const rows = await this.browse.page(user.id, kind, {
      sort: query.sort,
      order,
      limit: query.limit + 1,
      after,
    });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(({ position: _position, ...item }) => item),
      nextCursor:
        rows.length > query.limit && last
          ? await this.cursors.encode(binding, last.position)
          : null,
    };
  }

  async genres(user: AuthUser, query: GenresQueryDto) {
    return { items: await this.browse.genres(user.id, query.sort, query.limit) };
  }
}
