import type { Readable } from 'node:stream';
import {
  classifyAccount,
  classifyExtended,
  classifyLibraryTrack,
  type ExportItem,
} from './export-rows.js';
import { JsonReadError, readJsonArray } from './json-array-reader.js';

export type ExportFileKind = 'extended' | 'account_music' | 'account_podcast' | 'library';

export interface ExportEntry {
  /** 0-based position of the element in its file */
  index: number;
  item: ExportItem;
  /** bytes of the file read up to this element, for progress and checkpoints */
  bytesRead: number;
}

/** A file that is not (or no longer) a readable export, with where it broke. */
export class ExportFileError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly position: { row: number; byte: number },
  ) {
    super(`${file}: ${detail} (after row ${position.row}, near byte ${position.byte})`);
  }
}

/**
 * Reads one export file as a stream, in constant memory; its kind is told by
 * its content, not its name. Yields the kind first (null when the file is no
 * Spotify export), then the file's elements classified, a chunk at a time.
 * An empty array yields nothing: it is an export file with no rows.
 * Elements of a top-level array, or of `tracks` in YourLibrary.json.
 */
export async function* readExportFile(
  file: string,
  input: Readable,
): AsyncGenerator<ExportFileKind | null | ExportEntry[]> {
  let kind: ExportFileKind | null | undefined;
  const bytes = countedBytes(input);
  let rows = 0;
  try {
    for await (const elements of readJsonArray(bytes, { objectArrayKey: 'tracks' })) {
      if (elements.length === 0) return; // an empty export file (no podcasts, no saved tracks)
      rows += elements.length;
      if (kind === undefined) {
        kind = kindOf(elements[0]!.value);
        yield kind;
      }
      if (kind === null) return;
      const fileKind = kind;
      yield elements.map((element) => ({
        index: element.index,
        item: classify(fileKind, element.value),
        bytesRead: element.end,
      }));
    }
  } catch (error) {
    if (error instanceof JsonReadError) {
      throw new ExportFileError(file, error.message, { row: error.row, byte: error.byte });
    }
    if (error instanceof UnreadableInputError) {
      const reason = error.cause instanceof Error ? error.cause.message : String(error.cause);
      throw new ExportFileError(file, `could not be read: ${reason}`, {
        row: rows,
        byte: error.byte,
      });
    }
    throw error;
  } finally {
    input.destroy();
  }
  if (kind === undefined) yield null; // no array of rows: nothing Spotify would send
}

/** The input failed to give its bytes: a corrupt zip entry, a disk error. */
class UnreadableInputError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly byte: number,
  ) {
    super('the input could not be read');
  }
}

/** The input's bytes; a failure to read them is told apart from the JSON's own. */
async function* countedBytes(input: Readable): AsyncGenerator<Buffer> {
  let byte = 0;
  try {
    for await (const chunk of input) {
      byte += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  } catch (error) {
    throw new UnreadableInputError(error, byte);
  }
}

function kindOf(value: unknown): ExportFileKind | null {
  if (typeof value !== 'object' || value === null) return null;
  if ('artist' in value && 'track' in value && 'uri' in value) return 'library';
  if ('ts' in value && 'ms_played' in value) return 'extended';
  if ('endTime' in value && 'msPlayed' in value) {
    return 'podcastName' in value || 'episodeName' in value ? 'account_podcast' : 'account_music';
  }
  return null;
}

function classify(kind: ExportFileKind, value: unknown): ExportItem {
  switch (kind) {
    case 'extended':
      return classifyExtended(value);
    case 'account_music':
      return classifyAccount(value);
    case 'account_podcast':
      return { type: 'non_music' };
    case 'library':
      return classifyLibraryTrack(value);
  }
}
