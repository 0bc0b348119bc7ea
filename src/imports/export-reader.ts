import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pick from 'stream-json/filters/pick.js';
import streamValues from 'stream-json/streamers/stream-values.js';
import {
  classifyAccount,
  classifyExtended,
  classifyLibraryTrack,
  type ExportItem,
} from './export-rows.js';

export type ExportFileKind = 'extended' | 'account_music' | 'account_podcast' | 'library';

export interface ExportEntry {
  /** 0-based position of the element in its file */
  index: number;
  item: ExportItem;
  /** bytes of the file read so far, for progress */
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

/** Each element of a top-level array, or of `tracks` in YourLibrary.json. */
const ELEMENT_PATH = /^(?:\d+|tracks\.\d+)$/;

/**
 * Reads one export file as a stream, element by element, in constant memory;
 * its kind is told by its content, not its name. Yields the kind first (null
 * when the file is no Spotify export), then every element classified.
 */
export async function* readExportFile(
  file: string,
  input: Readable,
): AsyncGenerator<ExportFileKind | null | ExportEntry> {
  let bytes = 0;
  let row = -1;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const fail = (error: unknown) =>
    new ExportFileError(file, error instanceof Error ? error.message : String(error), {
      row: row + 1,
      byte: bytes,
    });
  const elements = streamValues.asStream();
  const failure = pipeline(
    input,
    counter,
    pick.withParserAsStream({ filter: ELEMENT_PATH }),
    elements,
  ).then(
    () => undefined,
    (error: unknown) => fail(error),
  );

  let kind: ExportFileKind | null | undefined;
  try {
    for await (const element of elements as AsyncIterable<{ key: number; value: unknown }>) {
      row = element.key;
      if (kind === undefined) {
        kind = kindOf(element.value);
        yield kind;
      }
      if (kind === null) {
        elements.destroy();
        return;
      }
      yield { index: element.key, item: classify(kind, element.value), bytesRead: bytes };
    }
  } catch (error) {
    throw (await failure) ?? fail(error);
  }
  const error = await failure;
  if (error) throw error;
  if (kind === undefined) yield null; // no elements: nothing Spotify would send
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
