import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupFileError, readArchiveLines, writeArchiveFile } from './archive-file.js';

describe('archive files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'spotlib-archive-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function* chunks(lines: string[]) {
    for (let i = 0; i < lines.length; i += 1000) yield `${lines.slice(i, i + 1000).join('\n')}\n`;
  }

  it('reads back every line whole, multi-byte text across chunk boundaries included', async () => {
    const lines = Array.from(
      { length: 50_000 },
      (_, i) => `{"n":${i},"name":"Björk – Jóga ✓ ${i}"}`,
    );
    const file = path.join(dir, 'lines.gz');
    expect(await writeArchiveFile(file, chunks(lines))).toBeGreaterThan(0);
    const read: string[] = [];
    for await (const line of readArchiveLines(file)) read.push(line.text);
    expect(read).toEqual(lines);
  });

  it('leaves no file behind when it cannot write', async () => {
    const file = path.join(dir, 'no-such-folder', 'backup.gz');
    await expect(writeArchiveFile(file, chunks(['{}']))).rejects.toBeInstanceOf(BackupFileError);
    expect(await readdir(dir)).toEqual(['lines.gz']);
  });
});
