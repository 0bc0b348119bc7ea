import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ImportStatus } from '../src/imports/imports.service.js';
import { createTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { newUser } from './support/factories.js';

const fixtures = path.resolve(import.meta.dirname, 'fixtures/spotify-export');

/** A multipart/form-data body as a browser sends it. */
function multipart(files: { name: string; content: Buffer }[]) {
  const boundary = '----spotlib-test-boundary';
  const parts = files.map((f) =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: application/json\r\n\r\n`,
      ),
      f.content,
      Buffer.from('\r\n'),
    ]),
  );
  return {
    payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describeEachEngine('POST /api/imports', (t) => {
  let app: NestFastifyApplication;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'spotlib-uploads-'));

  beforeAll(async () => {
    app = await createTestApp(t.database, { dataDir });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const waitFor = async (id: number): Promise<ImportStatus> => {
    for (let i = 0; i < 200; i++) {
      const status = (
        await app.inject({ method: 'GET', url: `/api/imports/${id}` })
      ).json<ImportStatus>();
      if (status.status === 'completed' || status.status === 'failed') return status;
      await setTimeout(50);
    }
    throw new Error(`import ${id} did not finish`);
  };

  it('takes the export files, imports them in the background and reports the summary', async () => {
    const body = multipart(
      ['Streaming_History_Audio_2022.json', 'StreamingHistory_music_1.json'].map((name) => ({
        name,
        content: readFileSync(path.join(fixtures, name)),
      })),
    );
    const response = await app.inject({ method: 'POST', url: '/api/imports', ...body });
    expect(response.statusCode).toBe(202);
    const accepted = response.json<ImportStatus>();
    expect(['pending', 'running', 'completed']).toContain(accepted.status);

    const done = await waitFor(accepted.id);
    expect(done).toMatchObject({ status: 'completed', error: null, progress: { percent: 100 } });
    expect(done.summary).toMatchObject({ files: 2, rowsRead: 235, errors: [] });
    expect(done.summary!.playsInserted).toBeGreaterThan(200);
    // files as the user named them, not as they were stored on the server
    expect(done.summary!.fileKinds.map((f) => f.file).sort()).toEqual([
      'StreamingHistory_music_1.json',
      'Streaming_History_Audio_2022.json',
    ]);
  });

  it('takes the export .zip as Spotify sends it', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'spotlib-upload-zip-'));
    const folder = path.join(work, 'Spotify Extended Streaming History');
    for (const name of ['Streaming_History_Audio_2022.json', 'StreamingHistory_music_1.json']) {
      cpSync(path.join(fixtures, name), path.join(folder, name));
    }
    writeFileSync(path.join(folder, 'ReadMeFirst.pdf'), 'not json');
    const zip = path.join(work, 'my_spotify_data.zip');
    execFileSync('python3', [
      '-c',
      'import shutil,sys; shutil.make_archive(sys.argv[1][:-4], "zip", sys.argv[2])',
      zip,
      work,
    ]);
    const body = multipart([{ name: 'my_spotify_data.zip', content: readFileSync(zip) }]);
    rmSync(work, { recursive: true, force: true });
    const response = await app.inject({ method: 'POST', url: '/api/imports', ...body });
    expect(response.statusCode).toBe(202);

    const done = await waitFor(response.json<ImportStatus>().id);
    expect(done).toMatchObject({ status: 'completed', error: null });
    expect(done.summary).toMatchObject({ files: 2, rowsRead: 235, errors: [] });
    expect(done.summary!.fileKinds.map((f) => f.file).sort()).toEqual([
      'my_spotify_data.zip:Spotify Extended Streaming History/StreamingHistory_music_1.json',
      'my_spotify_data.zip:Spotify Extended Streaming History/Streaming_History_Audio_2022.json',
    ]);
  });

  it('answers bad uploads with a clear 4xx and imports nothing', async () => {
    const before = await t.db.selectFrom('import').select('id').execute();
    const json = await app.inject({ method: 'POST', url: '/api/imports', payload: { files: [] } });
    expect(json.statusCode).toBe(415);
    const empty = await app.inject({ method: 'POST', url: '/api/imports', ...multipart([]) });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ error: 'no_files' });
    expect(await t.db.selectFrom('import').select('id').execute()).toEqual(before);
  });

  it('keeps each user to their own imports', async () => {
    const mine = await app.inject({
      method: 'POST',
      url: '/api/imports',
      ...multipart([{ name: 'a.json', content: Buffer.from('[]') }]),
    });
    const id = mine.json<ImportStatus>().id;
    await waitFor(id);
    const other = await newUser(t.db);
    const theirs = await t.db
      .insertInto('import')
      .values({ user_id: other.id, source_name: 'x.zip' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await app.inject({ method: 'GET', url: `/api/imports/${theirs.id}` })).statusCode).toBe(
      404,
    );
    for (const id of ['abc', '0', '99999999999999999999', '1e3', '%2012', '0x1f']) {
      expect((await app.inject({ method: 'GET', url: `/api/imports/${id}` })).statusCode).toBe(400);
    }
  });
});
