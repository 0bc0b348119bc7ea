import { LATEST_MIGRATION } from './support/test-env.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');

/**
 * The built programs as a user runs them (`npm start`, `npx spotlib`): two
 * real processes sharing one embedded database folder.
 */
describe('spotlib processes on one embedded database', () => {
  let dataDir: string;
  let server: ChildProcess;
  let url: string;
  const env = () => ({ ...process.env, DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '' });

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'spotlib-process-'));
    server = spawn(process.execPath, ['dist/main.js'], { cwd: root, env: env() });
    url = await listeningUrl(server);
  });

  afterAll(async () => {
    if (server.exitCode === null) server.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves health from the embedded database', async () => {
    const response = await fetch(`${url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      engine: 'pglite',
      migration: LATEST_MIGRATION,
    });
  });

  it('lets the CLI work while the server holds the database', async () => {
    const { stdout } = await run(process.execPath, ['dist/cli.js', 'db', 'status', '--json'], {
      cwd: root,
      env: env(),
    });
    const last = stdout.trim().split('\n').at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ current: LATEST_MIGRATION, pending: [] });
  });

  it('refuses a second server on the same folder, naming the first', async () => {
    const second = await run(process.execPath, ['dist/main.js'], { cwd: root, env: env() }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(second).toMatchObject({ code: 1 });
    expect((second as { stderr: string }).stderr).toMatch(
      /in use by another process.*Spotlib server/,
    );
  }, 30_000);

  it('stops on SIGTERM and lets go of the folder', async () => {
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(stat(path.join(dataDir, 'server.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(path.join(dataDir, 'spotlib.lock'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});

/** Waits for the server's "listening" log line and returns its URL. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)".*"msg":"Spotlib is listening"/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}
