import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { TrackListRepository } from '../library/track-list.repository.js';
import { compileSelection } from '../smart-playlists/rule-compiler.js';
import type { Condition, SmartDefinition } from '../smart-playlists/rules.js';
import { SmartPlaylistsRepository } from '../smart-playlists/smart-playlists.repository.js';
import { SmartPlaylistsService } from '../smart-playlists/smart-playlists.service.js';
import { BenchRepository } from './bench.repository.js';
import type { Pair } from './bench.service.js';

const PAGE = 50;

/**
 * The five-rule smart playlist (genre + tag + rating + played in the
 * last 90 days + name contains) on the heavy user: its first page and its
 * count, live, against the naive way (each rule's tracks fetched on its own
 * and intersected in memory); and the refresh of a 10k-track playlist against
 * evaluating the same selection without writing it. The playlists are made
 * for the run and removed after it.
 */
@Injectable()
export class SmartPairs {
  constructor(
    private readonly smart: SmartPlaylistsService,
    private readonly repository: SmartPlaylistsRepository,
    private readonly tracks: TrackListRepository,
    private readonly bench: BenchRepository,
  ) {}

  async pairs(userId: number): Promise<{ pairs: Pair[]; cleanup(): Promise<void> }> {
    const common = await this.bench.commonGenreAndTag(userId);
    if (!common) return { pairs: [], cleanup: async () => {} };
    const user: AuthUser = { id: userId };
    const rules: Condition[] = [
      { field: 'GENRE', operator: 'EQUALS', value: common.genre },
      { field: 'TAG', operator: 'EQUALS', value: common.tag },
      { field: 'RATING', operator: 'GREATER_EQUAL', value: 3 },
      { field: 'LAST_PLAYED', operator: 'IN_THE_LAST', value: { amount: 90, unit: 'days' } },
      { field: 'TRACK_NAME', operator: 'CONTAINS', value: 'a' },
    ];
    const fiveRules: SmartDefinition = { name: 'bench: five rules', match: 'all', rules };
    const tenThousand: SmartDefinition = {
      name: 'bench: 10k most played',
      match: 'all',
      rules: [],
      limit: { count: 10_000, unit: 'tracks', selectBy: 'most_played' },
    };
    const five = await this.smart.create(user, fiveRules);
    const big = await this.smart.create(user, tenThousand);
    const zone = await this.repository.timeZone(userId);
    const naiveIds = async () => {
      const context = { userId, now: new Date(), zone };
      const sets = await Promise.all(
        rules.map((rule) =>
          this.repository.matchingIds(
            userId,
            compileSelection({ match: 'all', rules: [rule] }, context, 0),
          ),
        ),
      );
      return sets.reduce((kept, ids) => {
        const set = new Set(ids);
        return kept.filter((id) => set.has(id));
      });
    };
    const naivePage = async () => {
      const items = await this.tracks.itemsByIds(userId, await naiveIds());
      return [...items.values()]
        .sort((a, b) => b.addedAt.getTime() - a.addedAt.getTime() || b.id - a.id)
        .slice(0, PAGE);
    };
    const pairs: Pair[] = [
      {
        name: 'smart.five_rules.first_page',
        ours: () => this.smart.tracks(user, five.id, { limit: PAGE }),
        baseline: { name: 'each_rule_then_intersect_in_memory', run: naivePage },
      },
      {
        name: 'smart.five_rules.count',
        ours: () => this.smart.count(user, five.id),
        baseline: {
          name: 'each_rule_then_intersect_in_memory',
          run: async () => (await naiveIds()).length,
        },
      },
      {
        name: 'smart.refresh.10k',
        ours: () => this.smart.refresh(user, big.id),
        baseline: { name: 'select_without_writing', run: () => this.smart.count(user, big.id) },
      },
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
