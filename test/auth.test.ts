import { sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { AccountsService } from '../src/auth/accounts.service.js';
import { ApiTokenService } from '../src/auth/api-token.service.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../src/auth/session-cookie.js';
import { SESSION_SWEEP_JOB } from '../src/auth/session-sweeper.service.js';
import { SessionRepository } from '../src/auth/session.repository.js';
import { JobsService } from '../src/jobs/jobs.service.js';
import { loadConfig } from '../src/config/config.js';
import { testConfig, useTestApp } from './support/app.js';
import { spotlib } from './support/cli.js';
import { createTestDatabase, describeEachEngine, postgresAvailable } from './support/databases.js';
import { databaseUrl } from './support/test-env.js';

const multiUser = () => ({ auth: { mode: 'multi' as const, sessionDays: 30 } });
const PASSWORD = 'correct horse battery';

interface Cookie {
  value: string;
  attributes: string;
}

describeEachEngine('multi-user mode: accounts and sessions', (t) => {
  const server = useTestApp(t, multiUser);
  let counter = 0;
  const account = (password: string | undefined = PASSWORD) =>
    server.app.get(AccountsService).create(`person${++counter}`, { password });

  const request = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    options: {
      cookie?: string;
      csrf?: string;
      body?: object;
      headers?: Record<string, string>;
    } = {},
  ) =>
    server.app.inject({
      method,
      url,
      headers: {
        ...(options.cookie ? { cookie: `${SESSION_COOKIE}=${options.cookie}` } : {}),
        ...(options.csrf ? { [CSRF_HEADER]: options.csrf } : {}),
        ...options.headers,
      },
      ...(options.body ? { payload: options.body } : {}),
    });

  const signIn = async (username: string, password = PASSWORD, headers = {}) => {
    const response = await request('POST', '/api/auth/login', {
      body: { username, password },
      headers,
    });
    const header = [response.headers['set-cookie'] ?? []].flat()[0];
    const cookie: Cookie | undefined = header
      ? { value: /^spotlib_session=([^;]*)/.exec(header)![1]!, attributes: header }
      : undefined;
    return { response, cookie, body: response.json<{ csrfToken: string }>() };
  };

  it('lets nobody in without a credential, except to health, login and the session state', async () => {
    expect((await request('GET', '/api/tracks')).json()).toMatchObject({
      error: 'unauthenticated',
    });
    expect((await request('GET', '/api/tracks')).statusCode).toBe(401);
    expect((await request('GET', '/api/me')).statusCode).toBe(401);
    expect((await request('GET', '/api/health')).statusCode).toBe(200);
    expect((await request('GET', '/api/auth/session')).json()).toEqual({
      mode: 'multi',
      user: null,
      csrfToken: null,
    });
  });

  it('signs in with a password into an HttpOnly, SameSite cookie session', async () => {
    const user = await account();
    const { response, cookie, body } = await signIn(user.name);
    expect(response.statusCode).toBe(200);
    expect(body).toEqual({
      mode: 'multi',
      user: { id: user.id, username: user.name },
      csrfToken: expect.any(String),
    });
    expect(cookie!.attributes).toMatch(/HttpOnly/);
    expect(cookie!.attributes).toMatch(/SameSite=Lax/);
    expect(cookie!.attributes).toMatch(/Path=\//);
    // plain HTTP here: a Secure cookie would never come back
    expect(cookie!.attributes).not.toMatch(/Secure/);

    const me = await request('GET', '/api/me', { cookie: cookie!.value });
    expect(me.json()).toMatchObject({ id: user.id, username: user.name });
    const state = await request('GET', '/api/auth/session', { cookie: cookie!.value });
    expect(state.json()).toEqual(body);
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const user = await account();
    const wrong = await signIn(user.name, 'not the password');
    const unknown = await signIn('nobody-here', 'not the password');
    const noPassword = await signIn((await account(undefined)).name, 'not the password');
    for (const attempt of [wrong, unknown, noPassword]) {
      expect(attempt.response.statusCode).toBe(401);
      expect(attempt.body).toEqual({
        error: 'invalid_credentials',
        message: 'Wrong username or password',
      });
      expect(attempt.cookie).toBeUndefined();
    }
  });

  it('takes a change made through the cookie only with the CSRF token', async () => {
    const user = await account();
    const { cookie, body } = await signIn(user.name);
    const change = { timeZone: 'Europe/Berlin' };
    const without = await request('PATCH', '/api/me/settings', {
      cookie: cookie!.value,
      body: change,
    });
    expect(without.statusCode).toBe(403);
    expect(without.json()).toMatchObject({ error: 'csrf_token_invalid' });
    const forged = await request('PATCH', '/api/me/settings', {
      cookie: cookie!.value,
      csrf: 'x'.repeat(43),
      body: change,
    });
    expect(forged.statusCode).toBe(403);
    const me = await request('GET', '/api/me', { cookie: cookie!.value });
    expect(me.json()).toMatchObject({ settings: { timeZone: 'UTC' } });

    const withToken = await request('PATCH', '/api/me/settings', {
      cookie: cookie!.value,
      csrf: body.csrfToken,
      body: change,
    });
    expect(withToken.statusCode).toBe(200);
    expect(withToken.json()).toMatchObject({ settings: { timeZone: 'Europe/Berlin' } });
  });

  it('refuses a sign-in sent from another site', async () => {
    const user = await account();
    const { response, cookie } = await signIn(user.name, PASSWORD, {
      origin: 'https://evil.example',
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'cross_origin' });
    expect(cookie).toBeUndefined();
    const sameSite = await signIn(user.name, PASSWORD, { origin: 'http://localhost:80' });
    expect(sameSite.response.statusCode).toBe(200);
  });

  it('ends a session on sign-out, on expiry and on a new password', async () => {
    const user = await account();
    const out = (await signIn(user.name)).cookie!.value;
    const logout = await request('POST', '/api/auth/logout', { cookie: out });
    expect(logout.statusCode).toBe(204);
    expect(logout.headers['set-cookie']).toMatch(/spotlib_session=;/);
    const after = await request('GET', '/api/me', { cookie: out });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ error: 'session_expired' });

    const expiring = (await signIn(user.name)).cookie!.value;
    expect((await request('GET', '/api/me', { cookie: expiring })).statusCode).toBe(200);
    await sql`UPDATE user_session
      SET expires_at = now() - interval '1 second', created_at = now() - interval '2 seconds'
      WHERE user_id = ${user.id}`.execute(t.db);
    expect((await request('GET', '/api/me', { cookie: expiring })).statusCode).toBe(401);

    await server.app.get(JobsService).run(SESSION_SWEEP_JOB, {});
    const left = await t.db
      .selectFrom('user_session')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    expect(left).toEqual([]);

    const live = (await signIn(user.name)).cookie!.value;
    await server.app.get(AccountsService).setPassword(user.id, 'another good password');
    expect((await request('GET', '/api/me', { cookie: live })).statusCode).toBe(401);
    expect((await signIn(user.name)).response.statusCode).toBe(401);
    expect((await signIn(user.name, 'another good password')).response.statusCode).toBe(200);
  });

  it('does not believe X-Forwarded-Proto from a proxy it was not told to trust', async () => {
    const user = await account();
    const { cookie } = await signIn(user.name, PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(cookie!.attributes).not.toMatch(/Secure/);
  });

  it('opens no session for a password that changed while it was being checked', async () => {
    const user = await account();
    const before = await t.db
      .selectFrom('app_user')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    await server.app.get(AccountsService).setPassword(user.id, 'another good password');
    const session = {
      userId: user.id,
      tokenHash: Buffer.alloc(32, 7),
      expiresAt: new Date(Date.now() + 60_000),
      userAgent: null,
    };
    const sessions = server.app.get(SessionRepository);
    expect(await sessions.createIfPasswordIs(session, before.password_hash!)).toBe(false);
    const after = await t.db
      .selectFrom('app_user')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(await sessions.createIfPasswordIs(session, after.password_hash!)).toBe(true);
  });

  it('takes API tokens as Bearer, and as Token on the ListenBrainz route', async () => {
    const user = await account();
    const bearer = await request('GET', '/api/me', {
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(bearer.json()).toMatchObject({ id: user.id });
    const listenBrainz = await request('GET', '/api/listenbrainz/1/validate-token', {
      headers: { authorization: `Token ${user.token}` },
    });
    expect(listenBrainz.json()).toMatchObject({ valid: true, user_name: user.name });
    const { token } = await server.app.get(ApiTokenService).create({ id: user.id });
    // a write with a token needs no CSRF token: no browser sends it on its own
    const write = await request('PATCH', '/api/me/settings', {
      headers: { authorization: `Bearer ${token}` },
      body: { playThresholdMs: 20_000 },
    });
    expect(write.statusCode).toBe(200);
  });

  it('refuses bad account input and a taken name, storing nothing', async () => {
    const accounts = server.app.get(AccountsService);
    const before = await t.db.selectFrom('app_user').select('id').execute();
    await expect(accounts.create('Bad Name', { password: PASSWORD })).rejects.toMatchObject({
      body: { error: 'invalid_username' },
    });
    await expect(accounts.create('shorty', { password: 'short' })).rejects.toMatchObject({
      body: { error: 'invalid_password' },
    });
    const taken = await account();
    await expect(accounts.create(taken.name, { password: PASSWORD })).rejects.toMatchObject({
      body: { error: 'username_taken' },
    });
    const after = await t.db.selectFrom('app_user').select('id').execute();
    expect(after.length).toBe(before.length + 1);
    const badBody = await request('POST', '/api/auth/login', { body: { username: 'x' } });
    expect(badBody.statusCode).toBe(400);
  });
});

describeEachEngine('behind a trusted proxy', (t) => {
  const server = useTestApp(t, () => ({
    ...multiUser(),
    http: { ...testConfig(t.database).http, trustProxy: true },
  }));

  it('marks the cookie Secure when the proxy says the browser came over HTTPS', async () => {
    const user = await server.app.get(AccountsService).create('proxied', { password: PASSWORD });
    const login = await server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'music.example.org' },
      payload: { username: user.name, password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    expect(login.headers['set-cookie']).toMatch(/; Secure/);
  });
});

describeEachEngine('local mode', (t) => {
  const server = useTestApp(t);

  it('answers only requests addressed to this machine, and no other site’s changes', async () => {
    const call = (method: 'GET' | 'PATCH', headers: Record<string, string>) =>
      server.app.inject({
        method,
        url: method === 'GET' ? '/api/me' : '/api/me/settings',
        headers,
        ...(method === 'PATCH' ? { payload: { playThresholdMs: 25_000 } } : {}),
      });
    // DNS rebinding: a page of evil.example whose name now points at 127.0.0.1
    const rebound = await call('GET', { host: 'evil.example:3000' });
    expect(rebound.statusCode).toBe(403);
    expect(rebound.json()).toMatchObject({ error: 'not_local' });
    expect((await call('GET', { host: '127.0.0.1:3000' })).statusCode).toBe(200);
    expect((await call('GET', { host: '[::1]:3000' })).statusCode).toBe(200);

    for (const crossSite of <Record<string, string>[]>[
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
    ]) {
      const forged = await call('PATCH', { host: 'localhost:3000', ...crossSite });
      expect(forged.statusCode).toBe(403);
      expect(forged.json()).toMatchObject({ error: 'cross_site' });
    }
    const me = (await call('GET', {})).json<{ settings: { playThresholdMs: number } }>();
    expect(me.settings.playThresholdMs).toBe(30_000);
    // its own pages, and programs that are not browsers
    for (const own of <Record<string, string>[]>[
      { 'sec-fetch-site': 'same-origin' },
      { origin: 'http://localhost:3000' },
      {},
    ]) {
      expect((await call('PATCH', { host: 'localhost:3000', ...own })).statusCode).toBe(200);
    }
  });

  it('acts for the local user, an administrator, with no sign-in', async () => {
    const state = (await server.app.inject({ method: 'GET', url: '/api/auth/session' })).json();
    expect(state).toMatchObject({ mode: 'local', user: { username: 'local' }, csrfToken: null });
    const local = await t.db
      .selectFrom('app_user')
      .select('is_admin')
      .where('username', '=', 'local')
      .executeTakeFirstOrThrow();
    expect(local.is_admin).toBe(true);
    const login = await server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'local', password: PASSWORD },
    });
    expect(login.statusCode).toBe(409);
    expect(login.json()).toMatchObject({ error: 'local_mode' });
  });
});

describe('proxy settings', () => {
  it('takes proxy addresses, refuses a hop count, and refuses a proxy in front of local mode', () => {
    expect(
      loadConfig({ AUTH_MODE: 'multi', TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).http.trustProxy,
    ).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(() => loadConfig({ AUTH_MODE: 'multi', TRUST_PROXY: '1' })).toThrow(/not a hop count/);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/AUTH_MODE=multi/);
  });
});

describe('where local mode may listen', () => {
  it.each(['127.0.0.1', '127.0.0.53', 'localhost', '::1', '[::1]'])('on %s', (host) => {
    expect(loadConfig({ HOST: host }).auth.mode).toBe('local');
  });

  it.each(['0.0.0.0', '::', '192.168.1.20', 'music.example.org'])(
    'not on %s: the server refuses to start unless auth is on',
    (host) => {
      expect(() => loadConfig({ HOST: host })).toThrow(/AUTH_MODE=multi/);
      expect(loadConfig({ HOST: host, AUTH_MODE: 'multi' }).auth.mode).toBe('multi');
    },
  );
});

describe.skipIf(!postgresAvailable())('account commands', () => {
  it('create users with a password from standard input and list them', async () => {
    const { database, drop } = await createTestDatabase('postgres');
    try {
      const { rows } = await database.executeSql('SELECT current_database() AS name');
      const name = (rows[0] as { name: string }).name;
      const env = {
        DATABASE_URL: databaseUrl(inject('testEnvironment').postgres!.url, name),
        AUTH_MODE: 'multi',
      };
      const created = await spotlib(env, 'user', 'create', 'ana', '--password-stdin', '--json', {
        stdin: `${PASSWORD}\n`,
      });
      expect(created.code).toBe(0);
      expect(created.json).toEqual({
        id: expect.any(Number),
        name: 'ana',
        token: expect.any(String),
      });
      const stored = await database.db
        .selectFrom('app_user')
        .select(['password_hash', 'is_admin'])
        .where('username', '=', 'ana')
        .executeTakeFirstOrThrow();
      expect(stored.password_hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
      expect(stored.password_hash).not.toContain(PASSWORD);
      expect(stored.is_admin).toBe(false);

      const admin = await spotlib(env, 'user', 'create', 'bo', '--admin', '--json');
      expect(admin.code).toBe(0);
      const list = await spotlib(env, 'user', 'list', '--json');
      expect(list.json).toEqual({
        users: [
          expect.objectContaining({ name: 'ana', admin: false, hasPassword: true }),
          expect.objectContaining({ name: 'bo', admin: true, hasPassword: false }),
        ],
      });

      const token = await spotlib(
        env,
        'token',
        'create',
        '--user',
        String(created.json.id),
        '--json',
      );
      expect(token.code).toBe(0);
      expect(token.json.token).toMatch(/^slt_/);
      const noUser = await spotlib(env, 'token', 'create', '--json');
      expect(noUser.code).toBe(1);
      expect(noUser.json).toMatchObject({ error: 'user_required' });
      expect(noUser.json.message).toMatch(/--user <id>/);

      const taken = await spotlib(env, 'user', 'create', 'ana', '--json');
      expect(taken.json).toMatchObject({ error: 'username_taken' });
      const badName = await spotlib(env, 'user', 'create', 'Ana Lopez', '--json');
      expect(badName.code).toBe(1);
      expect(badName.json).toMatchObject({ error: 'invalid_username' });
      const shortPassword = await spotlib(
        env,
        'user',
        'create',
        'cy',
        '--password-stdin',
        '--json',
        {
          stdin: 'short\n',
        },
      );
      expect(shortPassword.json).toMatchObject({ error: 'invalid_password' });
      const users = await database.db.selectFrom('app_user').select('username').execute();
      expect(users.map((u) => u.username).sort()).toEqual(['ana', 'bo']);
    } finally {
      await drop();
    }
  });
});
