import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import { GenresRepository, type ArtistGenre } from './genres.repository.js';

/**
 * Genres on the user's artists. Spotify's genres are deprecated and often
 * missing, so users add their own and hide ones they disagree with; the
 * change is theirs alone (source "user"), never the shared catalog's.
 */
@Injectable()
export class GenresService {
  constructor(private readonly genres: GenresRepository) {}

  async ofArtist(user: AuthUser, artistId: number): Promise<{ items: ArtistGenre[] }> {
    await this.requireArtist(user, artistId);
    return { items: await this.genres.ofArtist(user.id, artistId) };
  }

  async change(
    user: AuthUser,
    artistId: number,
    change: { add: string[]; remove: string[] },
  ): Promise<{ items: ArtistGenre[] }> {
    await this.requireArtist(user, artistId);
    await this.genres.change(user.id, artistId, change);
    return { items: await this.genres.ofArtist(user.id, artistId) };
  }

  private async requireArtist(user: AuthUser, artistId: number) {
    if (!(await this.genres.hasArtist(user.id, artistId))) {
      throw new ApiError(404, 'not_found', `No artist ${artistId} in your library`);
    }
  }
}
