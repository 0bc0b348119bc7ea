import { randomInt } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import type { Page } from '../common/pagination/page.js';
import type { TrackItem, TrackSort } from '../library/track-list.repository.js';
import { TracksService } from '../library/tracks.service.js';
import { compileSelection, materialisation, type RuleContext } from './rule-compiler.js';
import { playlistRefs, type RuleNode, type SelectBy, type SmartDefinition } from './rules.js';
import {
  SmartPlaylistsRepository,
  type SmartReference,
  type StoredSmartPlaylist,
} from './smart-playlists.repository.js';

export interface TrackPageQuery {
  sort?: TrackSort | undefined;
  order?: 'asc' | 'desc' | undefined;
  limit: number;
  cursor?: string | undefined;
}

type Tree = Pick<SmartDefinition, 'match' | 'rules' | 'limit'>;

/** The library sort a limit's selection reads in; random and no limit: newest first. */
const SORT_OF: Record<SelectBy, { sort: TrackSort; order: 'asc' | 'desc' }> = {
  random: { sort: 'added', order: 'desc' },
  most_played: { sort: 'plays', order: 'desc' },
  least_played: { sort: 'plays', order: 'asc' },
  highest_rated: { sort: 'rating', order: 'desc' },
  lowest_rated: { sort: 'rating', order: 'asc' },
  most_recently_played: { sort: 'last_played', order: 'desc' },
  least_recently_played: { sort: 'last_played', order: 'asc' },
  most_recently_added: { sort: 'added', order: 'desc' },
  least_recently_added: { sort: 'added', order: 'asc' },
  name: { sort: 'name', order: 'asc' },
};

/**
 * Smart playlists: definitions stored as rule rows, evaluated live through
 * the library's keyset pages, and materialised by refresh for what reads a
 * fixed list (push to Spotify, other playlists' IN_PLAYLIST rules).
 */
@Injectable()
export class SmartPlaylistsService {
  private readonly logger = new Logger(SmartPlaylistsService.name);

  constructor(
    private readonly repository: SmartPlaylistsRepository,
    private readonly library: TracksService,
  ) {}

  async create(user: AuthUser, definition: SmartDefinition) {
    await this.checkReferences(user.id, null, definition.rules);
    const id = await this.repository.create(user.id, definition);
    await this.refresh(user, id);
    return this.get(user, id);
  }

  async replace(user: AuthUser, id: number, definition: SmartDefinition) {
    await this.find(user.id, id);
    await this.checkReferences(user.id, id, definition.rules);
    await this.repository.replace(user.id, id, definition);
    await this.refresh(user, id);
    await this.refreshReadersOf(user.id, id);
    return this.get(user, id);
  }

  /** Refused while another smart playlist's rules read it: they would silently change. */
  async remove(user: AuthUser, id: number): Promise<void> {
    const readers = (await this.repository.references(user.id)).filter((e) => e.to === id);
    if (readers.length > 0) {
      throw new ApiError(
        409,
        'in_use',
        `Smart playlist ${id} is read by IN_PLAYLIST rules of smart playlist ${readers.map((e) => e.from).join(', ')}`,
      );
    }
    if (!(await this.repository.remove(user.id, id))) throw notFound(id);
  }

  async list(user: AuthUser) {
    return { items: await this.repository.list(user.id) };
  }

  /** The definition as stored, with its last refresh's size. */
  async get(user: AuthUser, id: number) {
    const p = await this.find(user.id, id);
    return {
      id: p.id,
      name: p.name,
      description: p.description,
      match: p.match,
      rules: p.rules,
      limit: p.limit,
      trackCount: p.trackCount,
      evaluatedAt: p.evaluatedAt,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    };
  }

  /** The definition alone, in a form `import` takes back. */
  async export(user: AuthUser, id: number) {
    const { name, description, match, rules, limit } = await this.find(user.id, id);
    return {
      spotlib: 'smart-playlist' as const,
      version: 1 as const,
      definition: { name, description, match, rules, limit },
    };
  }

  /** The playlist's tracks now, in a library sort (by default the limit's order). */
  async tracks(user: AuthUser, id: number, query: TrackPageQuery): Promise<Page<TrackItem>> {
    const playlist = await this.find(user.id, id);
    const sort = sortOf(playlist, query);
    return this.library.pageOf(
      user.id,
      { ...query, ...sort },
      { where: this.liveSelection(user.id, playlist) },
      // a new definition or seed is another list: an old cursor would skip or repeat
      {
        query: 'smart-playlist',
        id,
        updatedAt: playlist.updatedAt.getTime(),
        evaluatedAt: playlist.evaluatedAt?.getTime() ?? null,
        ...sort,
      },
    );
  }

  async count(user: AuthUser, id: number) {
    const playlist = await this.find(user.id, id);
    return this.repository.count(user.id, this.liveSelection(user.id, playlist));
  }

  /** An unsaved tree, as the editor shows it: the first page and the count. */
  async preview(user: AuthUser, tree: Tree, query: Pick<TrackPageQuery, 'limit' | 'cursor'>) {
    await this.checkReferences(user.id, null, tree.rules);
    const zone = await this.repository.timeZone(user.id);
    const selection = compileSelection(tree, this.context(user.id, zone), 0);
    const sort = sortOf(tree, {});
    const [page, count] = await Promise.all([
      this.library.pageOf(
        user.id,
        { ...query, ...sort },
        { where: selection },
        {
          query: 'smart-preview',
          tree,
        },
      ),
      this.repository.count(user.id, selection),
    ]);
    return { ...page, ...count };
  }

  /** Materialises the playlist now, with a new random seed. */
  refresh(user: AuthUser, id: number) {
    return this.refreshOf(user.id, id);
  }

  private async refreshOf(userId: number, id: number) {
    const evaluatedAt = new Date();
    const trackCount = await this.repository.materialise(userId, id, (playlist) =>
      materialisation(
        playlist,
        { userId, now: evaluatedAt, zone: playlist.zone },
        randomInt(0, 2 ** 31 - 1),
      ),
    );
    if (trackCount === undefined) throw notFound(id);
    return { id, trackCount, evaluatedAt };
  }

  /** Every smart playlist of the user, those another reads before it (after an import, hourly). */
  async refreshAll(userId: number): Promise<number> {
    const playlists = await this.repository.list(userId);
    const order = dependencyOrder(
      playlists.map((p) => p.id),
      await this.repository.references(userId),
    );
    let refreshed = 0;
    for (const id of order) {
      // One playlist's failure (deleted meanwhile, say) must not keep the others stale.
      try {
        await this.refreshOf(userId, id);
        refreshed += 1;
      } catch (error) {
        this.logger.warn(
          `Smart playlist ${id} of user ${userId} was not refreshed: ${String(error)}`,
        );
      }
    }
    return refreshed;
  }

  /** The playlists whose rules read `id`, directly or through others, in dependency order. */
  private async refreshReadersOf(userId: number, id: number): Promise<void> {
    const edges = await this.repository.references(userId);
    const readers = new Set<number>();
    const add = (to: number) =>
      edges
        .filter((e) => e.to === to && !readers.has(e.from))
        .forEach((e) => {
          readers.add(e.from);
          add(e.from);
        });
    add(id);
    for (const reader of dependencyOrder([...readers], edges)) await this.refreshOf(userId, reader);
  }

  /** Users with smart playlists. */
  owners(): Promise<number[]> {
    return this.repository.owners();
  }

  /** A saved playlist's tracks now, drawn with the seed of its last refresh. */
  private liveSelection(userId: number, playlist: StoredSmartPlaylist) {
    return compileSelection(playlist, this.context(userId, playlist.zone), playlist.randomSeed);
  }

  private context(userId: number, zone: string): RuleContext {
    return { userId, now: new Date(), zone };
  }

  private async find(userId: number, id: number): Promise<StoredSmartPlaylist> {
    const playlist = await this.repository.find(userId, id);
    if (!playlist) throw notFound(id);
    return playlist;
  }

  /**
   * IN_PLAYLIST rules must name the user's own playlists, and smart ones must
   * not lead back to `self`: a refresh reads the playlists it depends on.
   */
  private async checkReferences(userId: number, self: number | null, rules: readonly RuleNode[]) {
    const refs = playlistRefs(rules);
    if (refs.length === 0) return;
    const manual = refs.flatMap(({ ref }) => ('playlistId' in ref ? [ref.playlistId] : []));
    const smart = refs.flatMap(({ ref }) =>
      'smartPlaylistId' in ref ? [ref.smartPlaylistId] : [],
    );
    const missing = await this.repository.missingPlaylists(userId, manual, smart);
    const absent = refs.find(({ ref }) =>
      missing.some((m) =>
        m.kind === 'smart'
          ? 'smartPlaylistId' in ref && ref.smartPlaylistId === m.id
          : 'playlistId' in ref && ref.playlistId === m.id,
      ),
    );
    if (absent) {
      const what =
        'smartPlaylistId' in absent.ref
          ? `smart playlist ${absent.ref.smartPlaylistId}`
          : `playlist ${absent.ref.playlistId}`;
      throw invalidRule(absent.path, `no ${what} of yours`);
    }
    if (self === null) return;
    const edges = (await this.repository.references(userId)).filter((e) => e.from !== self);
    edges.push(...smart.map((to) => ({ from: self, to })));
    const cycle = cycleThrough(self, edges);
    if (cycle) {
      const closing = refs.find(
        ({ ref }) => 'smartPlaylistId' in ref && ref.smartPlaylistId === cycle[1],
      );
      throw invalidRule(
        closing?.path ?? 'rules',
        `IN_PLAYLIST would make a cycle of smart playlists: ${cycle.join(' → ')}`,
      );
    }
  }
}

/** A 400 shaped like validation's: the message and the path of the bad part. */
function invalidRule(path: string, message: string): ApiError {
  return new ApiError(400, 'invalid_rules', `${path}: ${message}`, {
    issues: [{ path, message }],
  });
}

function notFound(id: number): ApiError {
  return new ApiError(404, 'not_found', `No smart playlist ${id}`);
}

function sortOf(tree: Tree, query: Pick<TrackPageQuery, 'sort' | 'order'>) {
  const natural = SORT_OF[tree.limit?.selectBy ?? 'most_recently_added'];
  return {
    sort: query.sort ?? natural.sort,
    order: query.order ?? (query.sort ? 'desc' : natural.order),
  };
}

/** The path from `start` back to itself along the references, if there is one. */
export function cycleThrough(start: number, edges: readonly SmartReference[]): number[] | null {
  const next = (id: number) => edges.filter((e) => e.from === id).map((e) => e.to);
  const seen = new Set<number>();
  const walk = (id: number, path: number[]): number[] | null => {
    for (const to of next(id)) {
      if (to === start) return [...path, to];
      if (seen.has(to)) continue;
      seen.add(to);
      const found = walk(to, [...path, to]);
      if (found) return found;
    }
    return null;
  };
  return walk(start, [start]);
}

/** Ids ordered so that every playlist comes after those its rules read. */
export function dependencyOrder(
  ids: readonly number[],
  edges: readonly SmartReference[],
): number[] {
  const done = new Set<number>();
  const order: number[] = [];
  const visit = (id: number, stack: Set<number>) => {
    if (done.has(id) || stack.has(id)) return;
    stack.add(id);
    for (const e of edges) if (e.from === id) visit(e.to, stack);
    done.add(id);
    if (ids.includes(id)) order.push(id);
  };
  for (const id of ids) visit(id, new Set());
  return order;
}
