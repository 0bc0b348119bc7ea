import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ImportSource } from './import-sources.js';

/** SHA-256 of a source's bytes (a zip entry's once inflated), read through once. */
export async function fingerprintOf(source: ImportSource): Promise<Buffer> {
  const hash = createHash('sha256');
  await pipeline(await source.open(), hash);
  return hash.digest();
}

/**
 * The stream's bytes passed on as they are, hashed on the way: a file is
 * fingerprinted by the same read that imports it.
 */
export function hashedWhileRead(input: Readable): { stream: Readable; digest: () => Buffer } {
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  // errors reach the reader through the tap; destroying the tap closes the input
  input.on('error', (error) => tap.destroy(error));
  tap.on('close', () => input.destroy());
  return { stream: input.pipe(tap), digest: () => hash.digest() };
}
