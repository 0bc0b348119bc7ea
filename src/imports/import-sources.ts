import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/** One JSON file to read: on disk, or inside the export's zip. */
export interface ImportSource {
  name: string;
  size: number;
  open(): Promise<Readable>;
}

export interface SourceError {
  file: string;
  message: string;
}

export interface ImportSources {
  sources: ImportSource[];
  errors: SourceError[];
  close(): void;
}

/**
 * The JSON files behind what a user points at: files, folders (searched
 * recursively, the export .zip in them too) or the export .zip as Spotify
 * sends it. Other files in a zip or folder (PDF read-me files, images) are
 * passed over; a path or zip that cannot be read is an error of its own, and
 * the rest still import.
 */
export async function collectSources(paths: readonly string[]): Promise<ImportSources> {
  const sources: ImportSource[] = [];
  const errors: SourceError[] = [];
  const zips: yauzl.ZipFile[] = [];
  const add = async (file: string, shownAs: string) => {
    try {
      if (isZip(file)) {
        const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
        zips.push(zip);
        sources.push(...(await zipSources(file, zip)));
      } else {
        sources.push(await fileSource(file));
      }
    } catch (error) {
      errors.push({ file: shownAs, message: describe(error) });
    }
  };
  for (const given of paths) {
    const full = path.resolve(given);
    const info = await stat(full).catch((error: unknown) => {
      errors.push({ file: given, message: describe(error) });
    });
    if (!info) continue;
    if (!info.isDirectory()) await add(full, given);
    else for (const file of await exportFilesUnder(full)) await add(file, file);
  }
  // a stable sort: each kind keeps its order
  sources.sort((a, b) => Number(isAccountData(a.name)) - Number(isAccountData(b.name)));
  return { sources, errors, close: () => zips.forEach((zip) => zip.close()) };
}

/**
 * Account data (`StreamingHistory_music_0.json`, `StreamingHistory0.json`)
 * is read last: a play both exports state is then recorded from the extended
 * history's precise row, which the account row's minute later matches,
 * however the import cuts its windows.
 */
const isAccountData = (name: string) =>
  // after a folder, a zip's name (`x.zip:…`) or an upload's number (`0-…`)
  /(?:^|[/:-])StreamingHistory[^/]*$/i.test(name);

const isZip = (file: string) => file.toLowerCase().endsWith('.zip');

async function exportFilesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && (e.name.toLowerCase().endsWith('.json') || isZip(e.name)))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

async function fileSource(file: string): Promise<ImportSource> {
  return fileSourceOf(file, (await stat(file)).size);
}

function fileSourceOf(file: string, size: number): ImportSource {
  return { name: file, size, open: () => Promise.resolve(createReadStream(file)) };
}

function zipSources(zipPath: string, zip: yauzl.ZipFile): Promise<ImportSource[]> {
  return new Promise((resolve, reject) => {
    const found: ImportSource[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith('/') && entry.fileName.toLowerCase().endsWith('.json')) {
        found.push({
          name: `${zipPath}:${entry.fileName}`,
          size: entry.uncompressedSize,
          open: () => zip.openReadStreamPromise(entry),
        });
      }
      zip.readEntry();
    });
    zip.once('end', () => resolve(found.sort((a, b) => a.name.localeCompare(b.name))));
    zip.once('error', reject);
    zip.readEntry();
  });
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
