import { Injectable } from '@nestjs/common';
import { isGroup, type RuleNode, type SmartDefinition } from '../smart-playlists/rules.js';
import { SmartPlaylistsRepository } from '../smart-playlists/smart-playlists.repository.js';
import type { RecordOf } from './archive-format.js';
import { BackupRestoreRepository } from './backup-restore.repository.js';
import type { RestoreKeys } from './restore-keys.js';

/**
 * Restores manual playlists with their order keys as they were, and smart
 * playlists through the smart playlist repository (definitions as rule
 * rows), with the seed and the tracks of their last refresh as they were —
 * not refreshed again: "now" has moved since, and a random pick would differ.
 */
@Injectable()
export class PlaylistRestorer {
  constructor(
    private readonly restore: BackupRestoreRepository,
    private readonly smart: SmartPlaylistsRepository,
  ) {}

  async playlists(userId: number, keys: RestoreKeys, playlists: readonly RecordOf<'playlist'>[]) {
    const ids = await this.restore.insertPlaylists(userId, playlists);
    playlists.forEach((p, i) => keys.playlists.set(p.key, ids[i]!));
  }

  async entries(userId: number, keys: RestoreKeys, entries: readonly RecordOf<'playlistEntry'>[]) {
    await this.restore.insertPlaylistEntries(
      userId,
      entries.map((e) => ({
        playlistId: keys.playlists.get(e.playlist)!,
        userTrackId: keys.track(e.track),
        position: e.position,
        addedAt: e.addedAt,
      })),
    );
  }

  /** One by one, in archive order: each comes after the smart playlists its rules read. */
  async smartPlaylists(
    userId: number,
    keys: RestoreKeys,
    playlists: readonly RecordOf<'smartPlaylist'>[],
  ): Promise<void> {
    for (const p of playlists) {
      const definition: SmartDefinition = {
        ...p.definition,
        rules: this.remap(p.definition.rules, keys),
      };
      const id = await this.smart.create(userId, definition);
      await this.restore.setSmartState(userId, id, p);
      keys.smartPlaylists.set(p.key, id);
    }
  }

  async smartEntries(
    userId: number,
    keys: RestoreKeys,
    entries: readonly RecordOf<'smartPlaylistEntry'>[],
  ): Promise<void> {
    await this.restore.insertSmartEntries(
      userId,
      entries.map((e) => ({
        smartPlaylistId: keys.smartPlaylists.get(e.smartPlaylist)!,
        userTrackId: keys.track(e.track),
        position: e.position,
      })),
    );
  }

  /** IN_PLAYLIST rules name the archive's playlists: here they name the restored ones. */
  private remap(rules: readonly RuleNode[], keys: RestoreKeys): RuleNode[] {
    return rules.map((node) => {
      if (isGroup(node)) return { ...node, rules: this.remap(node.rules, keys) };
      if (node.field !== 'IN_PLAYLIST' || node.value === null || typeof node.value !== 'object') {
        return node;
      }
      const ref = node.value;
      if ('playlistId' in ref)
        return { ...node, value: { playlistId: keys.playlists.get(ref.playlistId)! } };
      if ('smartPlaylistId' in ref) {
        return {
          ...node,
          value: { smartPlaylistId: keys.smartPlaylists.get(ref.smartPlaylistId)! },
        };
      }
      return node;
    });
  }
}
