import { LATEST_MIGRATION } from './support/test-env.js';
import { expect, it } from 'vitest';
import { openPGlite, openPostgres } from '../src/db/database.js';
import { createTestApp, useTestApp } from './support/app.js';
import { describeEachEngine, describeEngines } from './support/databases.js';

describeEachEngine('server', (t) => {
  const server = useTestApp(t);

  it('reports health with the engine and the current migration', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ok',
      engine: t.engine,
      migration: LATEST_MIGRATION,
    });
  });

  it('answers an unknown route with the error shape', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/no-such-thing' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: 'not_found',
      message: 'Cannot GET /api/no-such-thing',
    });
  });

  it('answers malformed JSON with a 400 in the error shape', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/internal/cli',
      headers: { 'content-type': 'application/json' },
      payload: '{"command": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'bad_request', message: expect.any(String) });
  });

  it('answers a body that fails validation with the path of each problem', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/internal/cli',
      payload: { command: 42, userId: -1 },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json<{ error: string; message: string; details: unknown }>();
    expect(body.error).toBe('validation_failed');
    expect(body.message).toMatch(/^command: .*; userId: /);
    expect(body.details).toEqual({
      issues: [
        { path: 'command', message: expect.any(String) },
        { path: 'userId', message: expect.any(String) },
      ],
    });
  });

  it('refuses a body over 1 MB with 413', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/internal/cli',
      payload: { command: 'x'.repeat(1024 * 1024 + 1) },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('keeps the CLI bridge closed without the token the server published', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/internal/cli',
      headers: { 'x-spotlib-cli-token': 'guess' },
      payload: { command: 'db.status' },
    });
    expect(response.statusCode).toBe(404);
  });

  it('publishes the OpenAPI document and its viewer', async () => {
    const document = await server.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(document.statusCode).toBe(200);
    const paths = Object.keys(document.json<{ paths: object }>().paths);
    expect(paths).toContain('/api/health');
    expect(paths).not.toContain('/api/internal/cli');
    const viewer = await server.app.inject({ method: 'GET', url: '/api/docs' });
    expect(viewer.statusCode).toBe(200);
    expect(viewer.headers['content-type']).toMatch(/text\/html/);
  });
});

describeEngines('health without a database', (engine) => {
  it('answers 503 in the error shape', async () => {
    const database =
      engine === 'postgres'
        ? openPostgres('postgres://postgres@127.0.0.1:1/nowhere', 1)
        : await openPGlite({});
    const app = await createTestApp(database);
    try {
      // An embedded database that was closed under the app is as gone as a server that is down.
      if (engine === 'pglite') await database.pglite!.close();
      const response = await app.inject({ method: 'GET', url: '/api/health' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        error: 'database_unavailable',
        message: 'The database is unreachable',
        details: { status: 'unavailable', engine },
      });
    } finally {
      await app.close();
      await database.close().catch(() => undefined);
    }
  });
});
