import { connect } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiTokenService } from '../src/auth/api-token.service.js';
import { createTestApp, testConfig, useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { newUser } from './support/factories.js';

const PER_MINUTE = 5;

describeEachEngine('request limits', (t) => {
  const server = useTestApp(t, () => ({
    http: { ...testConfig(t.database).http, rateLimitPerMinute: PER_MINUTE, bodyTimeoutMs: 400 },
  }));

  it('limits requests per user, whichever token they use, and per address', async () => {
    const ana = await newUser(t.db);
    const tokens = server.app.get(ApiTokenService);
    const [first, second] = [(await tokens.create(ana)).token, (await tokens.create(ana)).token];
    const other = (await tokens.create(await newUser(t.db))).token;
    const get = (token: string, ip: string) =>
      server.app.inject({
        method: 'GET',
        url: '/api/me',
        remoteAddress: ip,
        headers: { authorization: `Bearer ${token}` },
      });
    for (let i = 0; i < PER_MINUTE; i++)
      expect((await get(first, `10.0.0.${i}`)).statusCode).toBe(200);
    // another token of the same user, from yet another address: the same allowance
    const limited = await get(second, '10.0.0.99');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // another user from one of those addresses has their own
    expect((await get(other, '10.0.0.1')).statusCode).toBe(200);
  });

  it('limits an address however many made-up credentials it sends', async () => {
    const perAddress = PER_MINUTE * 4;
    const junk = (i: number) =>
      server.app.inject({
        method: 'GET',
        url: '/api/me',
        remoteAddress: '10.0.3.1',
        headers: { authorization: `Bearer slt_junk${i}` },
      });
    for (let i = 0; i < perAddress; i++) expect((await junk(i)).statusCode).toBe(401);
    expect((await junk(perAddress)).statusCode).toBe(429);
    const elsewhere = await server.app.inject({
      method: 'GET',
      url: '/api/health',
      remoteAddress: '10.0.3.2',
    });
    expect(elsewhere.statusCode).toBe(200);
  });

  it('allows ten sign-in attempts a minute per address', async () => {
    let n = 0;
    // a made-up credential on each attempt buys nothing: the key is the address
    const attempt = (ip: string) =>
      server.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: ip,
        headers: { authorization: `Bearer junk${n++}`, cookie: `spotlib_session=junk${n}` },
        payload: { username: 'someone', password: 'a guess at it' },
      });
    for (let i = 0; i < 10; i++) expect((await attempt('10.0.2.1')).statusCode).not.toBe(429);
    expect((await attempt('10.0.2.1')).statusCode).toBe(429);
    expect((await attempt('10.0.2.2')).statusCode).not.toBe(429);
  });

  it('sends security headers', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/health' });
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.stringMatching(/max-age=/),
    });
    expect(response.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(response.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
  });

  it('refuses a JSON body over 1 MB with 413, changing nothing', async () => {
    const response = await server.app.inject({
      method: 'PATCH',
      url: '/api/me/settings',
      remoteAddress: '10.0.1.1',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ timeZone: 'Europe/Paris', padding: 'x'.repeat(1024 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    const me = await server.app.inject({
      method: 'GET',
      url: '/api/me',
      remoteAddress: '10.0.1.1',
    });
    expect(me.json()).toMatchObject({ settings: { timeZone: 'UTC' } });
  });
});

describeEachEngine('a body that trickles in', (t) => {
  let app: NestFastifyApplication;
  let port: number;

  beforeAll(async () => {
    const config = testConfig(t.database);
    app = await createTestApp(t.database, { http: { ...config.http, bodyTimeoutMs: 300 } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = Number(new URL(await app.getUrl()).port);
  });
  afterAll(async () => {
    await app.close();
  });

  it('is cut off with 408 once the body deadline passes', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          'PATCH /api/me/settings HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
            'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"time',
        );
      });
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      socket.setTimeout(10_000, () => reject(new Error('the server kept the connection open')));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toMatch(/"error":"request_timeout"/);
  });

  it('closes the connection when it answers before a body arrived whole', async () => {
    // a GET is answered without reading its body; Node would go on reading the rest, untimed
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\nx',
        );
      });
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      socket.setTimeout(10_000, () => reject(new Error('the server kept the connection open')));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toMatch(/connection: close/i);
  });
});
