import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonReadError, readJsonArray, type JsonElement } from './json-array-reader.js';

function chunksOf(text: string, size: number): Readable {
  const bytes = Buffer.from(text);
  return Readable.from(
    Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
      bytes.subarray(i * size, (i + 1) * size),
    ),
  );
}

async function read(text: string, size = 7, maxElementBytes?: number) {
  const elements: JsonElement[] = [];
  for await (const batch of readJsonArray(chunksOf(text, size), {
    objectArrayKey: 'tracks',
    maxElementBytes,
  })) {
    elements.push(...batch);
  }
  return elements;
}

const tricky = [
  { name: 'braces } and ] in a string, a comma, too', n: 1 },
  { name: 'an escaped quote \\" and backslash \\\\', nested: { list: [1, [2, { x: '[' }]] } },
  'a string element with "quotes"',
  42,
  null,
  [],
  { emoji: 'Beyoncé ✓ 🎵', empty: '' },
];

describe('readJsonArray', () => {
  it.each([1, 2, 3, 7, 64, 4096])(
    'gives what JSON.parse gives, whatever the chunk size (%i bytes)',
    async (size) => {
      for (const text of [JSON.stringify(tricky), JSON.stringify(tricky, null, 2)]) {
        const elements = await read(text, size);
        expect(elements.map((e) => e.value)).toEqual(tricky);
        expect(elements.map((e) => e.index)).toEqual(tricky.map((_, i) => i));
      }
    },
  );

  it('reports each element with the bytes read up to its end', async () => {
    const text = '[{"a":1},\n {"b":2}]';
    const elements = await read(text, 3);
    expect(elements.map((e) => text.slice(0, e.end))).toEqual(['[{"a":1}', '[{"a":1},\n {"b":2}']);
  });

  it('reads the named array of a top-level object, and nothing of other objects', async () => {
    const library = { tracks: [{ track: 'A' }, { track: 'B' }], albums: [{ album: 'C' }] };
    expect((await read(JSON.stringify(library))).map((e) => e.value)).toEqual(library.tracks);
    expect(await read('{"hello": "world"}')).toEqual([]);
  });

  it('skips a byte order mark and reads an empty array as one empty batch', async () => {
    expect((await read('\uFEFF [ {"a": 1} ] \n')).map((e) => e.value)).toEqual([{ a: 1 }]);
    expect((await read('\uFEFF{"tracks": [{"a": 1}]}')).map((e) => e.value)).toEqual([{ a: 1 }]);
    const batches = async (text: string) => {
      const all: JsonElement[][] = [];
      for await (const batch of readJsonArray(chunksOf(text, 3), { objectArrayKey: 'tracks' })) {
        all.push(batch);
      }
      return all;
    };
    expect(await batches(' [ ] ')).toEqual([[]]);
    expect(await batches('{"tracks": []}')).toEqual([[]]);
    expect(await batches('{"hello": []}')).toEqual([]);
  });

  it.each([
    ['text that is not JSON', 'hello world', /not JSON: it begins with "hell/, 0],
    ['an empty file', '  ', /the file is empty/, 0],
    ['a truncated file', '[{"a":1},{"b":2},{"c":', /ends inside row 2: it is truncated/, 2],
    ['a truncated string', '[{"a":1},{"b":"unfinished', /ends inside row 1/, 1],
    ['a broken row', '[{"a":1},{"b":nope},{"c":3}]', /row 1 is not valid JSON/, 1],
    ['a trailing comma', '[{"a":1},]', /a "\]" where a row should be/, 1],
    ['two commas', '[{"a":1},,{"b":2}]', /a "," where a row should be/, 1],
    ['text after the array', '[{"a":1}] extra', /unexpected text after the end of the array/, 1],
    ['a stray closing brace', '[{"a":1}}]', /a "}" that closes nothing/, 0],
  ])('refuses %s, saying which row and byte', async (_name, text, message, row) => {
    const error = await read(text, 4).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JsonReadError);
    expect((error as JsonReadError).message).toMatch(message);
    expect((error as JsonReadError).row).toBe(row);
    expect((error as JsonReadError).byte).toBeLessThanOrEqual(Buffer.byteLength(text));
  });

  it('gives the rows before a break before it throws', async () => {
    const elements: unknown[] = [];
    const reading = (async () => {
      for await (const batch of readJsonArray(chunksOf('[1,2,3,{"x":', 100), {
        objectArrayKey: 'tracks',
      })) {
        elements.push(...batch.map((e) => e.value));
      }
    })();
    await expect(reading).rejects.toThrow(/truncated/);
    expect(elements).toEqual([1, 2, 3]);
  });

  it('refuses an element larger than the limit instead of buffering it', async () => {
    const text = JSON.stringify([{ a: 1 }, { big: 'x'.repeat(5000) }]);
    await expect(read(text, 100, 1000)).rejects.toThrow(/row 1 is larger than 1000 bytes/);
  });
});
