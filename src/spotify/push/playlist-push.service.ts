import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user.js';
import { ApiError } from '../../common/errors/http-error.filter.js';
import { SmartPlaylistsService } from '../../smart-playlists/smart-playlists.service.js';
import {
  PLAYLIST_WRITE_LIMIT,
  SpotifyApiFactory,
  trackUri,
  type SpotifyApi,
} from '../spotify-api.client.js';
import type { SpotifySimplifiedPlaylist } from '../spotify-api.types.js';
import { asApiError } from '../spotify-failures.js';
import { SpotifyAuthService } from '../spotify-auth.service.js';
import { SpotifyApiError, SpotifyUnavailableError } from '../spotify-errors.js';
import {
  PlaylistPushRepository,
  type PushKind,
  type PushTarget,
} from './playlist-push.repository.js';

/** Creates of one push whose answers were lost, when none turned out made. */
const CREATE_ATTEMPTS = 3;

/** Tracks without a Spotify id named in the answer; the count covers them all. */
const MISSING_LISTED = 50;

export interface PushResult {
  spotifyPlaylistId: string;
  snapshotId: string;
  /** true when this push created the Spotify playlist */
  created: boolean;
  /** tracks now in the Spotify playlist */
  tracks: number;
  /** tracks left out: they have no Spotify id (imported by name only) */
  withoutSpotifyId: number;
  missing: { id: number; name: string }[];
}

/**
 * A playlist onto Spotify. The first push creates a private playlist; later
 * pushes replace its items (never a second playlist). If the playlist was
 * changed on Spotify since our last push (its snapshot id moved), the push
 * stops unless forced: Spotlib does not silently overwrite someone's edits.
 */
@Injectable()
export class PlaylistPushService {
  constructor(
    private readonly repository: PlaylistPushRepository,
    private readonly clients: SpotifyApiFactory,
    private readonly smartPlaylists: SmartPlaylistsService,
    private readonly auth: SpotifyAuthService,
  ) {}

  private readonly pushing = new Set<string>();

  async push(user: AuthUser, kind: PushKind, id: number, force: boolean): Promise<PushResult> {
    // Two pushes of one playlist at once would both pass the snapshot check and mix their writes.
    const key = `${user.id}:${kind}:${id}`;
    if (this.pushing.has(key)) {
      throw new ApiError(409, 'push_running', 'This playlist is being pushed already');
    }
    this.pushing.add(key);
    try {
      return await this.pushOnce(user, kind, id, force);
    } finally {
      this.pushing.delete(key);
    }
  }

  private async pushOnce(user: AuthUser, kind: PushKind, id: number, force: boolean) {
    let target = await this.repository.target(user.id, kind, id);
    if (!target)
      throw new ApiError(404, 'not_found', `No ${kind === 'smart' ? 'smart ' : ''}playlist ${id}`);
    if (kind === 'smart' && !target.evaluatedAt) {
      await this.smartPlaylists.refresh(user, id);
      target = (await this.repository.target(user.id, kind, id))!;
    }
    const entries = await this.repository.entries(user.id, kind, id);
    const uris = entries.flatMap((e) => (e.spotifyId ? [trackUri(e.spotifyId)] : []));
    const missing = entries.filter((e) => !e.spotifyId);
    try {
      const api = this.clients.forUser(user.id);
      const remote = await this.remotePlaylist(user, api, { kind, id, ...target }, force);
      const record = (snapshotId: string) =>
        this.repository.recordPush(user.id, kind, id, { spotifyPlaylistId: remote.id, snapshotId });
      if (remote.created) await record(remote.snapshotId);
      let snapshotId = await writeItems(api, remote.id, uris, record);
      // A POST retried after its answer was lost may have added a chunk twice: check, redo once.
      if ((await api.playlist(remote.id)).items.total !== uris.length) {
        snapshotId = await writeItems(api, remote.id, uris, record);
      }
      return {
        spotifyPlaylistId: remote.id,
        snapshotId,
        created: remote.created,
        tracks: uris.length,
        withoutSpotifyId: missing.length,
        missing: missing.slice(0, MISSING_LISTED).map((e) => ({ id: e.userTrackId, name: e.name })),
      };
    } catch (error) {
      throw asApiError(error);
    }
  }

  /** The Spotify playlist to write to: the one pushed before, or a new one if it is gone. */
  private async remotePlaylist(
    user: AuthUser,
    api: SpotifyApi,
    target: PushTarget & { kind: PushKind; id: number },
    force: boolean,
  ) {
    if (target.spotifyPlaylistId) {
      const existing = await playlistOrGone(api, target.spotifyPlaylistId);
      if (existing) {
        if (!force && existing.snapshot_id !== target.spotifySnapshotId) {
          throw new ApiError(
            409,
            'spotify_playlist_changed',
            'The playlist was changed on Spotify since the last push; push again with force to overwrite it',
          );
        }
        return { id: existing.id, snapshotId: existing.snapshot_id, created: false };
      }
    }
    return this.createOnce(user, api, target);
  }

  /**
   * Creates the Spotify playlist unless an earlier try did. Spotify takes no
   * idempotency key, so after a create whose answer was lost (or a push that
   * stopped before storing what it created) the push looks through the
   * user's playlists for the empty one of this name they own that no other
   * playlist of theirs is pushed to, and takes it. A create found not made is
   * tried again, CREATE_ATTEMPTS in all.
   */
  private async createOnce(
    user: AuthUser,
    api: SpotifyApi,
    target: PushTarget & { kind: PushKind; id: number },
  ) {
    const made = (playlist: SpotifySimplifiedPlaylist) => ({
      id: playlist.id,
      snapshotId: playlist.snapshot_id,
      created: true,
    });
    const madeEarlier = () => this.unclaimedEmptyPlaylist(user, api, target.name);
    const earlier = target.createStartedAt ? await madeEarlier() : undefined;
    if (earlier) return made(earlier);
    await this.repository.markCreating(user.id, target.kind, target.id, true);
    for (let attempt = 1; ; attempt++) {
      try {
        return made(
          await api.createPlaylist({
            name: target.name,
            description: target.description ?? 'Made with Spotlib',
          }),
        );
      } catch (error) {
        if (!(error instanceof SpotifyUnavailableError)) {
          // refused (4xx, rate limit, token): nothing was made
          await this.repository.markCreating(user.id, target.kind, target.id, false);
          throw error;
        }
        const found = await madeEarlier();
        if (found) return made(found);
        if (attempt === CREATE_ATTEMPTS) throw error;
      }
    }
  }

  /** The user's own empty playlist of this name on Spotify that none of their playlists is pushed to. */
  private async unclaimedEmptyPlaylist(user: AuthUser, api: SpotifyApi, name: string) {
    const { spotifyUserId } = await this.auth.connection(user);
    const claimed = await this.repository.pushedSpotifyIds(user.id);
    for await (const page of api.playlistPages()) {
      const found = page.items.find(
        (p) =>
          p.owner.id === spotifyUserId &&
          p.name === name &&
          p.items.total === 0 &&
          !claimed.has(p.id),
      );
      if (found) return found;
    }
    return undefined;
  }
}

async function playlistOrGone(
  api: SpotifyApi,
  id: string,
): Promise<SpotifySimplifiedPlaylist | null> {
  try {
    return await api.playlist(id);
  } catch (error) {
    if (error instanceof SpotifyApiError && error.status === 404) return null;
    throw error;
  }
}

/** Replaces the items: the first 100 with PUT, the rest appended 100 at a time; the last snapshot. */
async function writeItems(
  api: SpotifyApi,
  playlistId: string,
  uris: string[],
  record: (snapshotId: string) => Promise<void>,
): Promise<string> {
  let { snapshot_id: snapshotId } = await api.replaceItems(
    playlistId,
    uris.slice(0, PLAYLIST_WRITE_LIMIT),
  );
  await record(snapshotId);
  for (let start = PLAYLIST_WRITE_LIMIT; start < uris.length; start += PLAYLIST_WRITE_LIMIT) {
    ({ snapshot_id: snapshotId } = await api.addItems(
      playlistId,
      uris.slice(start, start + PLAYLIST_WRITE_LIMIT),
    ));
    await record(snapshotId);
  }
  return snapshotId;
}
