import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { ApiTokenService } from '../src/auth/api-token.service.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { newUser } from './support/factories.js';

describeEachEngine('API tokens', (t) => {
  const server = useTestApp(t);
  let token: string;
  let tokenId: number;

  const call = async (secret = token) =>
    (
      await server.app.inject({
        method: 'GET',
        url: '/api/tracks?limit=1',
        headers: { authorization: `Bearer ${secret}` },
      })
    ).statusCode;
  const lastUsed = async () => {
    const { rows } = await sql<{ last_used_at: Date | null }>`
      SELECT last_used_at FROM api_token WHERE id = ${tokenId}`.execute(t.db);
    return rows[0]!.last_used_at;
  };

  beforeAll(async () => {
    const user = await newUser(t.db);
    ({ token, id: tokenId } = await server.app.get(ApiTokenService).create(user, 'script'));
  });

  it('records use to the minute, without a write on every request', async () => {
    expect(await lastUsed()).toBeNull();
    expect(await call()).toBe(200);
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    expect(await call()).toBe(200);
    expect(await lastUsed()).toEqual(first);

    await sql`UPDATE api_token SET last_used_at = now() - interval '2 minutes' WHERE id = ${tokenId}`.execute(
      t.db,
    );
    const stale = await lastUsed();
    expect(await call()).toBe(200);
    expect((await lastUsed())!.getTime()).toBeGreaterThan(stale!.getTime());
  });

  it('refuses unknown and revoked tokens', async () => {
    expect(await call('slt_nope')).toBe(401);
    expect(await call('')).toBe(401);
    await sql`UPDATE api_token SET revoked_at = now() WHERE id = ${tokenId}`.execute(t.db);
    expect(await call()).toBe(401);
  });
});

describeEachEngine('API tokens through the API', (t) => {
  const server = useTestApp(t);

  it('creates one shown once, lists names and hints only, and revokes it', async () => {
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/me/tokens',
      payload: { name: 'Pano Scrobbler' },
    });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json<{ id: number; token: string }>();
    expect(token).toMatch(/^slt_/);

    const list = await server.app.inject({ method: 'GET', url: '/api/me/tokens' });
    expect(list.json()).toEqual({
      items: [
        {
          id,
          name: 'Pano Scrobbler',
          hint: `…${token.slice(-4)}`,
          createdAt: expect.any(String),
          lastUsedAt: null,
        },
      ],
    });
    expect(list.body).not.toContain(token);

    const bearer = { authorization: `Bearer ${token}` };
    expect(
      (await server.app.inject({ method: 'GET', url: '/api/me', headers: bearer })).statusCode,
    ).toBe(200);
    const revoked = await server.app.inject({ method: 'DELETE', url: `/api/me/tokens/${id}` });
    expect(revoked.statusCode).toBe(204);
    expect(
      (await server.app.inject({ method: 'GET', url: '/api/me', headers: bearer })).statusCode,
    ).toBe(401);
    const again = await server.app.inject({ method: 'DELETE', url: `/api/me/tokens/${id}` });
    expect(again.statusCode).toBe(404);
    expect((await server.app.inject({ method: 'GET', url: '/api/me/tokens' })).json()).toEqual({
      items: [],
    });
  });

  it('refuses a blank or missing name', async () => {
    for (const payload of [
      {},
      { name: '  ' },
      { name: 'x'.repeat(101) },
      { name: 'ok', extra: 1 },
    ]) {
      const response = await server.app.inject({ method: 'POST', url: '/api/me/tokens', payload });
      expect(response.statusCode).toBe(400);
    }
    expect((await server.app.inject({ method: 'GET', url: '/api/me/tokens' })).json()).toEqual({
      items: [],
    });
  });
});
