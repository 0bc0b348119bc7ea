import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import type { SmartDefinition } from '../smart-playlists/rules.js';
import { SmartPlaylistsService } from '../smart-playlists/smart-playlists.service.js';
import { BenchRepository } from './bench.repository.js';
import type { Pair } from './bench.service.js';

/**
 * The five-rule smart playlist (genre + tag + rating + played in the
 * last 90 days + name contains) on the heavy user: its first page and its
 * count, live; and the refresh of a 10k-track playlist. The playlists are
 * made for the run and removed after it.
 */
@Injectable()
export class SmartPairs {
  constructor(
    private readonly smart: SmartPlaylistsService,
    private readonly bench: BenchRepository,
  ) {}

  async pairs(userId: number): Promise<{ pairs: Pair[]; cleanup(): Promise<void> }> {
    const common = await this.bench.commonGenreAndTag(userId);
    if (!common) return { pairs: [], cleanup: async () => {} };
    const user: AuthUser = { id: userId };
    const fiveRules: SmartDefinition = {
      name: 'bench: five rules',
      match: 'all',
      rules: [
        { field: 'GENRE', operator: 'EQUALS', value: common.genre },
        { field: 'TAG', operator: 'EQUALS', value: common.tag },
        { field: 'RATING', operator: 'GREATER_EQUAL', value: 3 },
        { field: 'LAST_PLAYED', operator: 'IN_THE_LAST', value: { amount: 90, unit: 'days' } },
        { field: 'TRACK_NAME', operator: 'CONTAINS', value: 'a' },
      ],
    };
    const tenThousand: SmartDefinition = {
      name: 'bench: 10k most played',
      match: 'all',
      rules: [],
      limit: { count: 10_000, unit: 'tracks', selectBy: 'most_played' },
    };
    const five = await this.smart.create(user, fiveRules);
    const big = await this.smart.create(user, tenThousand);
    const pairs: Pair[] = [
      {
        name: 'smart.five_rules.first_page',
        ours: () => this.smart.tracks(user, five.id, { limit: 50 }),
      },
      { name: 'smart.five_rules.count', ours: () => this.smart.count(user, five.id) },
      { name: 'smart.refresh.10k', ours: () => this.smart.refresh(user, big.id) },
    ];
    return {
      pairs,
      cleanup: async () => {
        await this.smart.remove(user, five.id);
        await this.smart.remove(user, big.id);
      },
    };
  }
}
