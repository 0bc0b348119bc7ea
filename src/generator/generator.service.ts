import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { CatalogRepository } from '../catalog/catalog.repository.js';
import { CatalogService } from '../catalog/catalog.service.js';
import { sortKey } from '../db/sort-key.js';
import { PlayRecorder } from '../history/play-recorder.service.js';
import { LibraryMembershipService } from '../library/library-membership.service.js';
import { UsersRepository } from '../users/users.repository.js';
import { GeneratorRepository } from './generator.repository.js';
import { SCALES, totalPlays, type Scale, type ScaleName } from './scales.js';
import {
  Catalog,
  GENRES,
  userPlays,
  userWorld,
  type GeneratedPlays,
  type UserWorld,
} from './world.js';

export interface GenerateOptions {
  scale: ScaleName;
  seed: number;
  /** the user who gets the first (heavy) library; else one is created */
  userId?: number | undefined;
  onProgress?: (done: number, total: number) => void;
}

export interface GenerateResult {
  scale: ScaleName;
  seed: number;
  users: number[];
  catalogTracks: number;
  libraryTracks: number;
  playsInserted: number;
  seconds: number;
}

/** Rows per catalog write and per recorded batch. */
const CHUNK = 25_000;

/**
 * Fills the database with a deterministic synthetic world (generator/world.ts)
 * through the product's own paths: the catalog service creates tracks,
 * saving goes through library membership, plays through the recording
 * service. Running it again adds nothing.
 */
@Injectable()
export class GeneratorService {
  constructor(
    private readonly catalogService: CatalogService,
    private readonly catalogRepository: CatalogRepository,
    private readonly users: UsersRepository,
    private readonly membership: LibraryMembershipService,
    private readonly recorder: PlayRecorder,
    private readonly generated: GeneratorRepository,
  ) {}

  async generate(options: GenerateOptions): Promise<GenerateResult> {
    const started = performance.now();
    const scale = SCALES[options.scale];
    const catalog = new Catalog(scale, options.seed);
    const progress = new Progress(scale, options.onProgress);
    const trackIds = await this.createCatalog(catalog, progress);
    const result: GenerateResult = {
      scale: scale.name,
      seed: options.seed,
      users: [],
      catalogTracks: scale.tracks,
      libraryTracks: 0,
      playsInserted: 0,
      seconds: 0,
    };
    const userCount = 1 + scale.others.users;
    for (let index = 0; index < userCount; index++) {
      const userId =
        index === 0 && options.userId !== undefined
          ? options.userId
          : (await this.users.ensure(`generated-${options.seed}-${index}`)).id;
      const size = index === 0 ? scale.heavy : scale.others;
      const world = userWorld(catalog, index, size.tracks);
      result.users.push(userId);
      const plays = userPlays(catalog, world, index, size.plays);
      await this.saveLibrary(userId, [...world.liked, ...plays.alsoSaved], trackIds);
      result.playsInserted += await this.recordPlays(userId, plays, trackIds, progress);
      await this.organise(userId, world, trackIds);
    }
    result.libraryTracks = await this.generated.libraryTracks(result.users);
    await this.generated.vacuumAnalyze();
    result.seconds = Number(((performance.now() - started) / 1000).toFixed(2));
    return result;
  }

  /**
   * One user's library and history in a world of this scale (the demo
   * profile): no other users, and no VACUUM, which would take longer than
   * the data on a small database.
   */
  async fillUser(
    userId: number,
    scale: Scale,
    seed: number,
  ): Promise<{ libraryTracks: number; playsInserted: number }> {
    const catalog = new Catalog(scale, seed);
    const trackIds = await this.createCatalog(catalog, new Progress(scale));
    const world = userWorld(catalog, 0, scale.heavy.tracks);
    const plays = userPlays(catalog, world, 0, scale.heavy.plays);
    await this.saveLibrary(userId, [...world.liked, ...plays.alsoSaved], trackIds);
    const playsInserted = await this.recordPlays(userId, plays, trackIds, new Progress(scale));
    await this.organise(userId, world, trackIds);
    return { libraryTracks: await this.generated.libraryTracks([userId]), playsInserted };
  }

  /** Catalog ids of the world's tracks, by world index. */
  private async createCatalog(catalog: Catalog, progress: Progress): Promise<Float64Array> {
    const { tracks, artists } = catalog.scale;
    const trackIds = new Float64Array(tracks);
    for (let first = 0; first < tracks; first += CHUNK) {
      const indexes = range(first, Math.min(tracks, first + CHUNK));
      const { trackIds: ids } = await this.catalogService.resolveTracks(
        indexes.map((t) => catalog.track(t)),
      );
      ids.forEach((id, i) => (trackIds[first + i] = id));
      progress.add(indexes.length);
    }
    const genreIds = await this.generated.ensureGenres(GENRES);
    for (let first = 0; first < artists; first += CHUNK) {
      const indexes = range(first, Math.min(artists, first + CHUNK));
      const artistIds = await this.catalogRepository.ensureArtists(
        indexes.map((a) => ({
          name: catalog.artistName(a),
          sortName: sortKey(catalog.artistName(a)),
        })),
      );
      const idOf = (a: number) => artistIds.get(sortKey(catalog.artistName(a)))!;
      await this.generated.addArtistGenres(
        indexes.flatMap((a) =>
          catalog
            .genresOf(a)
            .map((g) => ({ artistId: idOf(a), genreId: genreIds.get(GENRES[g]!)! })),
        ),
      );
    }
    await this.addFeaturing(catalog, trackIds);
    return trackIds;
  }

  private async addFeaturing(catalog: Catalog, trackIds: Float64Array): Promise<void> {
    const credits: { track: number; artist: number; position: number }[] = [];
    for (let t = 0; t < catalog.scale.tracks; t++) {
      catalog
        .featuring(t)
        .forEach((artist, i) => credits.push({ track: t, artist, position: i + 1 }));
    }
    for (let first = 0; first < credits.length; first += CHUNK) {
      const chunk = credits.slice(first, first + CHUNK);
      const names = [...new Set(chunk.map((c) => catalog.artistName(c.artist)))];
      const artistIds = await this.catalogRepository.ensureArtists(
        names.map((name) => ({ name, sortName: sortKey(name) })),
      );
      await this.generated.addCredits(
        chunk.map((c) => ({
          trackId: trackIds[c.track]!,
          artistId: artistIds.get(sortKey(catalog.artistName(c.artist)))!,
          position: c.position,
        })),
      );
    }
  }

  private async saveLibrary(
    userId: number,
    saved: { track: number; addedAt: Date }[],
    trackIds: Float64Array,
  ): Promise<void> {
    for (let first = 0; first < saved.length; first += CHUNK) {
      await this.membership.like(
        userId,
        saved
          .slice(first, first + CHUNK)
          .map((l) => ({ trackId: trackIds[l.track]!, addedAt: l.addedAt })),
      );
    }
  }

  /** Ratings, tags and playlists: on tracks the user has (saved, or played). */
  private async organise(userId: number, world: UserWorld, trackIds: Float64Array): Promise<void> {
    const id = (t: number) => trackIds[t]!;
    await this.generated.rate(
      userId,
      world.ratings.map((r) => ({ trackId: id(r.track), rating: r.rating })),
    );
    for (const tag of world.tags) {
      await this.generated.tag(userId, { ...tag, trackIds: tag.tracks.map(id) });
    }
    for (const playlist of world.playlists) {
      await this.generated.addPlaylist(userId, playlist.name, playlist.tracks.map(id));
    }
  }

  private async recordPlays(
    userId: number,
    plays: GeneratedPlays,
    trackIds: Float64Array,
    progress: Progress,
  ): Promise<number> {
    let inserted = 0;
    for (let first = 0; first < plays.tracks.length; first += CHUNK) {
      const last = Math.min(plays.tracks.length, first + CHUNK);
      const batch = range(first, last).map((i) => ({
        trackId: trackIds[plays.tracks[i]!]!,
        playedAt: new Date(plays.endedAt[i]!),
        msPlayed: plays.msPlayed[i]!,
        source: 'generator' as const,
      }));
      inserted += (await this.recorder.record(userId, batch)).inserted;
      progress.add(batch.length);
    }
    return inserted;
  }
}

/** Work done so far, counted in catalog tracks created and plays recorded. */
class Progress {
  private done = 0;
  private readonly total: number;

  constructor(
    scale: Scale,
    private readonly report?: (done: number, total: number) => void,
  ) {
    this.total = scale.tracks + totalPlays(scale);
  }

  add(count: number): void {
    this.done += count;
    this.report?.(this.done, this.total);
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
