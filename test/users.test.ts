import { expect, it } from 'vitest';
import { LocalUserService, LOCAL_USERNAME } from '../src/auth/local-user.service.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';

describeEachEngine('the local user', (t) => {
  const server = useTestApp(t);

  it('is created once, with default settings, and is who every request acts for', async () => {
    const first = await server.app.inject({ method: 'GET', url: '/api/me' });
    const second = await server.app.inject({ method: 'GET', url: '/api/me' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      id: expect.any(Number),
      username: LOCAL_USERNAME,
      displayName: null,
      settings: { timeZone: 'UTC', playThresholdMs: 30_000 },
    });
    expect(second.json()).toEqual(first.json());
    const users = await t.db.selectFrom('app_user').select('username').execute();
    expect(users).toEqual([{ username: LOCAL_USERNAME }]);
  });

  it('is the same user when a fresh process resolves it again', async () => {
    const viaApi = (await server.app.inject({ method: 'GET', url: '/api/me' })).json<{
      id: number;
    }>();
    const resolved = await server.app.get(LocalUserService).get();
    expect(resolved).toEqual({ id: viaApi.id });
  });

  it('cannot be chosen through the request body or query', async () => {
    const other = await t.db
      .insertInto('app_user')
      .values({ username: 'someone-else' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const response = await server.app.inject({
      method: 'GET',
      url: `/api/me?userId=${other.id}&user_id=${other.id}`,
    });
    expect(response.json()).toMatchObject({ username: LOCAL_USERNAME });
  });
});
