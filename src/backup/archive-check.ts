import { playlistRefs } from '../smart-playlists/rules.js';
import {
  COUNTED_TYPES,
  emptyCounts,
  type ArchiveRecord,
  type RecordCounts,
  type RecordOf,
} from './archive-format.js';
import { BackupFileError } from './archive-file.js';

/**
 * Checks that an archive holds together before anything is written: keys are
 * unique, every reference names a record that came before it, settings come
 * once, and the end record is there and counts what the file held (so a file
 * cut short, even at a line boundary, is refused). Memory: the keys, which
 * grow with the library, not the history.
 */
export class ArchiveChecker {
  readonly counts: RecordCounts = emptyCounts();
  private readonly keys = {
    tag: new Set<number>(),
    artist: new Set<number>(),
    album: new Set<number>(),
    track: new Set<number>(),
    playlist: new Set<number>(),
    smartPlaylist: new Set<number>(),
  };
  private settings = 0;
  private ended = false;

  add(record: ArchiveRecord, line: number): void {
    const fail = (message: string) => {
      throw new BackupFileError(message, line);
    };
    if (this.ended) fail('a record after the end record');
    const problem = this.problemOf(record);
    if (problem) fail(problem);
    if (record.type !== 'settings' && record.type !== 'end') this.counts[record.type]++;
  }

  /** Throws unless the end record was read. */
  finish(): RecordCounts {
    if (!this.ended) {
      throw new BackupFileError(
        'the file ends before its end record: it was cut short (truncated) or not fully written',
      );
    }
    return this.counts;
  }

  private problemOf(record: ArchiveRecord): string | undefined {
    switch (record.type) {
      case 'settings':
        return ++this.settings > 1 ? 'a second settings record' : undefined;
      case 'tag':
      case 'artist':
      case 'album':
      case 'playlist':
        return this.define(record.type, record.key);
      case 'track':
        return this.checkTrack(record) ?? this.define('track', record.key);
      case 'artistGenre':
        return this.missing('artist', record.artist);
      case 'playlistEntry':
        return this.missing('playlist', record.playlist) ?? this.missing('track', record.track);
      case 'smartPlaylist':
        return this.checkSmart(record) ?? this.define('smartPlaylist', record.key);
      case 'smartPlaylistEntry':
        return (
          this.missing('smartPlaylist', record.smartPlaylist) ?? this.missing('track', record.track)
        );
      case 'play':
        return this.missing('track', record.track);
      case 'end':
        return this.checkEnd(record);
    }
  }

  private define(type: keyof ArchiveChecker['keys'], key: number): string | undefined {
    if (this.keys[type].has(key)) return `a second ${type} with key ${key}`;
    this.keys[type].add(key);
    return undefined;
  }

  private missing(type: keyof ArchiveChecker['keys'], key: number): string | undefined {
    return this.keys[type].has(key) ? undefined : `refers to ${type} ${key}, not defined before`;
  }

  private checkTrack(track: RecordOf<'track'>): string | undefined {
    return (
      track.artists.map((a) => this.missing('artist', a)).find(Boolean) ??
      (track.album === null ? undefined : this.missing('album', track.album)) ??
      track.tags.map((t) => this.missing('tag', t)).find(Boolean)
    );
  }

  private checkSmart(smart: RecordOf<'smartPlaylist'>): string | undefined {
    for (const { ref, path } of playlistRefs(smart.definition.rules)) {
      const problem =
        'playlistId' in ref
          ? this.missing('playlist', ref.playlistId)
          : this.missing('smartPlaylist', ref.smartPlaylistId);
      if (problem) return `smart playlist ${smart.key} ${path} ${problem}`;
    }
    return undefined;
  }

  private checkEnd(end: RecordOf<'end'>): string | undefined {
    this.ended = true;
    if (this.settings === 0) return 'the archive has no settings record';
    const differ = COUNTED_TYPES.filter((t) => end.counts[t] !== this.counts[t]);
    if (differ.length === 0) return undefined;
    const what = differ.map((t) => `${t}: ${this.counts[t]} of ${end.counts[t]}`).join(', ');
    return `the archive holds fewer or more records than its end record counts (${what})`;
  }
}
