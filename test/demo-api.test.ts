import { performance } from 'node:perf_hooks';
import { beforeAll, expect, it } from 'vitest';
import { ApiTokenService } from '../src/auth/api-token.service.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { rowsOwnedBy } from './support/owned-rows.js';
import { newUser, newUserTrack } from './support/factories.js';

interface Entered {
  token: string;
  username: string;
  tracks: number;
  plays: number;
}

describeEachEngine('demo profile', (t) => {
  const server = useTestApp(t);
  /** a user with a little library of their own, and one who is nobody's owner */
  let owner: { id: number; token: string };
  let other: { id: number; token: string };
  let ownerRows: Record<string, string[]>;

  const call = async (token: string, method: 'GET' | 'POST' | 'DELETE') => {
    const response = await server.app.inject({
      method,
      url: '/api/demo',
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.statusCode, body: response.body };
  };
  const withToken = async (username: string) => {
    const user = await newUser(t.db, username);
    const { token } = await server.app.get(ApiTokenService).create(user, 'test');
    return { id: user.id, token };
  };

  beforeAll(async () => {
    owner = await withToken('owner');
    other = await withToken('other');
    await newUserTrack(t.db, owner.id);
    ownerRows = await rowsOwnedBy(t.db, owner.id, ['last_used_at']);
  });

  it('has none at first', async () => {
    const answer = await call(owner.token, 'GET');
    expect(answer.status, answer.body).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ demo: null });
  });

  let demo: Entered;
  let demoUserId: number;

  it('creates a demo user with a library and plays, none of them the owner’s', async () => {
    const started = performance.now();
    const answer = await call(owner.token, 'POST');
    const seconds = (performance.now() - started) / 1000;
    expect(answer.status, answer.body).toBe(200);
    demo = JSON.parse(answer.body) as Entered;
    console.log(
      `POST /api/demo on ${t.engine}: ${seconds.toFixed(2)} s (${demo.tracks} tracks, ${demo.plays} plays)`,
    );
    expect(demo).toEqual({
      token: expect.stringMatching(/^slt_/),
      username: expect.stringMatching(/^demo-\d+-[0-9a-f]{8}$/),
      tracks: expect.any(Number),
      plays: expect.any(Number),
    });
    expect(demo.tracks).toBeGreaterThanOrEqual(200);
    expect(demo.plays).toBeGreaterThanOrEqual(2000);
    const user = await t.db
      .selectFrom('app_user')
      .select(['id', 'password_hash', 'is_admin', 'demo_of'])
      .where('username', '=', demo.username)
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({ password_hash: null, is_admin: false, demo_of: owner.id });
    demoUserId = user.id;

    // the demo token sees the demo library; the owner's library is as it was
    const tracks = await server.app.inject({
      method: 'GET',
      url: '/api/tracks?limit=5',
      headers: { authorization: `Bearer ${demo.token}` },
    });
    expect(tracks.json<{ items: unknown[] }>().items).toHaveLength(5);
    expect(await rowsOwnedBy(t.db, owner.id, ['last_used_at'])).toEqual(ownerRows);
    expect(JSON.parse((await call(owner.token, 'GET')).body)).toEqual({
      demo: { username: demo.username, tracks: demo.tracks, plays: demo.plays },
    });
  });

  it('returns the same profile, with a new token, when asked again', async () => {
    const again = JSON.parse((await call(owner.token, 'POST')).body) as Entered;
    expect(again).toEqual({ ...demo, token: expect.stringMatching(/^slt_/) });
    expect(again.token).not.toBe(demo.token);
    expect((await call(again.token, 'GET')).status).toBe(200);
  });

  it('refuses a demo profile of a demo profile', async () => {
    const answer = await call(demo.token, 'POST');
    expect(answer.status, answer.body).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'demo_profile' });
    expect(JSON.parse((await call(demo.token, 'GET')).body)).toEqual({ demo: null });
  });

  it('lets nobody else see or remove it', async () => {
    expect(JSON.parse((await call(other.token, 'GET')).body)).toEqual({ demo: null });
    const answer = await call(other.token, 'DELETE');
    expect(answer.status, answer.body).toBe(404);
    // the demo user cannot remove itself either: it has no demo profile
    expect((await call(demo.token, 'DELETE')).status).toBe(404);
    // among its rows, some of tables that nothing cascades to from app_user
    expect(Object.keys(await rowsOwnedBy(t.db, demoUserId, ['last_used_at']))).toEqual(
      expect.arrayContaining(['play_history', 'user_hour_rollup', 'user_artist_month']),
    );
  });

  it('removes every row of the demo user and nothing of the owner’s', async () => {
    const answer = await call(owner.token, 'DELETE');
    expect(answer.status, answer.body).toBe(204);
    expect(await rowsOwnedBy(t.db, demoUserId, ['last_used_at'])).toEqual({});
    expect(await rowsOwnedBy(t.db, owner.id, ['last_used_at'])).toEqual(ownerRows);
    expect(JSON.parse((await call(owner.token, 'GET')).body)).toEqual({ demo: null });
    expect((await call(demo.token, 'GET')).status).toBe(401);
    expect((await call(owner.token, 'DELETE')).status).toBe(404);
  });
});
