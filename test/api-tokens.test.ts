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
