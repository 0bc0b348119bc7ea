import { Injectable } from '@nestjs/common';
import { Database } from '../db/database.js';
import type { Engine } from '../config/config.js';
import { rankOf, type ArchiveRecord, type RecordOf, type RecordType } from './archive-format.js';
import { readArchiveLines } from './archive-file.js';
import { readRecords } from './archive-reader.js';
import { LibraryRestorer } from './library-restorer.service.js';
import { PlayRestorer } from './play-restorer.service.js';
import { PlaylistRestorer } from './playlist-restorer.service.js';
import { RestoreKeys } from './restore-keys.js';

/** Records per written batch. Plays: PGlite serves requests on the one connection a batch holds. */
const BATCH = 2_000;
const PLAY_BATCH: Record<Engine, number> = { postgres: 20_000, pglite: 5_000 };

type Buffered = {
  [T in ArchiveRecord['type']]: { type: T; records: RecordOf<T>[] };
}[ArchiveRecord['type']];

/**
 * The second read of a restore (the first checked the archive whole):
 * records in batches of one type, each batch written (and committed) as it
 * fills, so memory holds one batch and the keys (restore-keys.ts).
 */
@Injectable()
export class ArchiveLoader {
  constructor(
    private readonly database: Database,
    private readonly library: LibraryRestorer,
    private readonly playlists: PlaylistRestorer,
    private readonly plays: PlayRestorer,
  ) {}

  /** Writes the archive's user data for the user; returns how many plays were written. */
  async load(userId: number, file: string, onBytes: (bytesRead: number) => void): Promise<number> {
    const keys = new RestoreKeys();
    let buffered: Buffered | undefined;
    let playsWritten = 0;
    const flush = async () => {
      if (buffered) playsWritten += await this.write(userId, keys, buffered);
      buffered = undefined;
    };
    for await (const { record, bytesRead } of readRecords(readArchiveLines(file))) {
      if (
        buffered &&
        (buffered.type !== record.type || buffered.records.length >= this.batchOf(record.type))
      ) {
        await flush();
        onBytes(bytesRead);
      }
      buffered ??= { type: record.type, records: [] } as Buffered;
      (buffered.records as ArchiveRecord[]).push(record);
    }
    await flush();
    if (!keys.artistsFilled) await this.library.fillArtists(keys);
    return playsWritten;
  }

  private batchOf(type: RecordType): number {
    return type === 'play' ? PLAY_BATCH[this.database.engine] : BATCH;
  }

  /** Writes one batch; returns the plays it wrote. */
  private async write(userId: number, keys: RestoreKeys, batch: Buffered): Promise<number> {
    if (rankOf(batch.type) > rankOf('track') && !keys.artistsFilled) {
      await this.library.fillArtists(keys);
    }
    switch (batch.type) {
      case 'settings':
      case 'end':
        return 0; // the restore service applied the settings before the load
      case 'artist':
        for (const a of batch.records) keys.artistFacts.set(a.key, a);
        return 0;
      case 'album':
        for (const a of batch.records) keys.albumFacts.set(a.key, a);
        return 0;
      case 'tag':
        await this.library.tags(userId, keys, batch.records);
        return 0;
      case 'track':
        await this.library.tracks(userId, keys, batch.records);
        return 0;
      case 'artistGenre':
        await this.library.userGenres(userId, keys, batch.records);
        return 0;
      case 'playlist':
        await this.playlists.playlists(userId, keys, batch.records);
        return 0;
      case 'playlistEntry':
        await this.playlists.entries(userId, keys, batch.records);
        return 0;
      case 'smartPlaylist':
        await this.playlists.smartPlaylists(userId, keys, batch.records);
        return 0;
      case 'smartPlaylistEntry':
        await this.playlists.smartEntries(userId, keys, batch.records);
        return 0;
      case 'play':
        return this.plays.plays(userId, keys, batch.records);
    }
  }
}
