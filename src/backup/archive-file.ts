import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

/** The file is not a readable archive: what is wrong, and on which line when known. */
export class BackupFileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

/** No record comes near this; a longer line is a broken file, not something to buffer. */
const MAX_LINE_CHARS = 32 << 20;

export interface ArchiveLine {
  /** 1-based */
  number: number;
  text: string;
  /** compressed bytes of the file read so far (progress) */
  bytesRead: number;
}

/**
 * The lines of a gzip'd text file, read as a stream: memory holds one input
 * chunk and one line. A file that is not gzip, or ends inside its gzip
 * stream (truncated), fails with a BackupFileError naming the problem.
 */
export async function* readArchiveLines(file: string): AsyncGenerator<ArchiveLine> {
  const input = createReadStream(file);
  const gunzip = createGunzip();
  // pipe() does not forward errors: a missing file must end the read, not hang it.
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip).setEncoding('utf8');
  let number = 0;
  let rest = '';
  try {
    for await (const chunk of gunzip as AsyncIterable<string>) {
      const text = rest + chunk;
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        yield { number: ++number, text: text.slice(start, end), bytesRead: input.bytesRead };
        start = end + 1;
      }
      rest = text.slice(start);
      if (rest.length > MAX_LINE_CHARS) {
        throw new BackupFileError('a line longer than any record: not a backup', number + 1);
      }
    }
  } catch (error) {
    throw asFileError(error, file, number);
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  if (rest.length > 0) yield { number: number + 1, text: rest, bytesRead: input.bytesRead };
}

function asFileError(error: unknown, file: string, linesRead: number): Error {
  if (error instanceof BackupFileError) return error;
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT') return new BackupFileError(`${file} does not exist`);
  if (code === 'EISDIR') return new BackupFileError(`${file} is a folder, not a backup file`);
  if (code === 'Z_BUF_ERROR') {
    return new BackupFileError(
      `the file ends early (truncated after ${linesRead} complete lines): it is not a whole backup`,
    );
  }
  if (code === 'Z_DATA_ERROR') {
    return new BackupFileError(
      linesRead === 0
        ? 'not a gzip file: a Spotlib backup is gzip-compressed JSON Lines'
        : `the compressed data is corrupt after line ${linesRead} (${message})`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Writes the lines (each chunk one or more whole lines) gzip'd to `file`,
 * streamed with backpressure: the source is read as fast as the disk takes
 * it. The file appears whole or not at all (written beside it, then
 * renamed). Returns its size in bytes.
 */
export async function writeArchiveFile(
  file: string,
  lines: Iterable<string> | AsyncIterable<string>,
) {
  const partial = `${file}.${process.pid}.partial`;
  try {
    await pipeline(Readable.from(lines), createGzip(), createWriteStream(partial));
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      throw new BackupFileError(`cannot write ${file}: ${message}`);
    }
    throw error;
  }
  return (await stat(file)).size;
}
