import { NestFactory } from '@nestjs/core';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { AppModule } from '../src/app.module.js';
import { ApiTokenService } from '../src/auth/api-token.service.js';
import { PlayRecorder } from '../src/history/play-recorder.service.js';
import { JobsService } from '../src/jobs/jobs.service.js';
import { AppMetrics } from '../src/ops/metrics/app-metrics.service.js';
import { SyncService } from '../src/spotify/sync/sync.service.js';
import { testConfig, useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { newTrack, newUser, newUserTrack } from './support/factories.js';

type Labels = Record<string, string>;

/**
 * The value of the sample `name{labels}` in Prometheus text, 0 when absent
 * (a series appears on its first increment). Labels must match exactly.
 */
function sample(text: string, name: string, labels: Labels = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(
      (m) => `${m[1]}=${m[2]}`,
    );
    const wanted = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
    if (found.sort().join() === wanted.sort().join()) return Number(match[3]);
  }
  return 0;
}

describeEachEngine('Prometheus metrics', (t) => {
  const server = useTestApp(t);
  let admin: { id: number; token: string };
  let member: { id: number; token: string };

  const newAccount = async (isAdmin: boolean) => {
    const user = await newUser(t.db);
    if (isAdmin) await sql`UPDATE app_user SET is_admin = true WHERE id = ${user.id}`.execute(t.db);
    const { token } = await server.app.get(ApiTokenService).create({ id: user.id });
    return { id: user.id, token };
  };
  const scrape = async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(response.statusCode).toBe(200);
    return response.body;
  };

  beforeAll(async () => {
    admin = await newAccount(true);
    member = await newAccount(false);
  });

  it('serves Prometheus text, with process metrics, to administrators only', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.body).toContain('# TYPE spotlib_http_request_duration_seconds histogram');
    expect(response.body).toContain('# TYPE process_cpu_user_seconds_total counter');

    const asMember = await server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${member.token}` },
    });
    expect(asMember.statusCode).toBe(403);
    expect(asMember.body).not.toContain('spotlib_');
    const badToken = await server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer slt_nope' },
    });
    expect(badToken.statusCode).toBe(401);
    // outside the /api prefix, and not in the API document
    const prefixed = await server.app.inject({ method: 'GET', url: '/api/metrics' });
    expect(prefixed.statusCode).toBe(404);
    const document = await server.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(Object.keys(document.json<{ paths: object }>().paths)).not.toContain('/metrics');
  });

  it('times requests by route template, never by raw URL', async () => {
    const rating = { method: 'PUT', route: '/api/tracks/:id/rating', status_code: '204' };
    const unmatched = { method: 'GET', route: 'unmatched', status_code: '404' };
    const before = await scrape();
    const tracks = [await newUserTrack(t.db, admin.id), await newUserTrack(t.db, admin.id)];
    for (const track of tracks) {
      const response = await server.app.inject({
        method: 'PUT',
        url: `/api/tracks/${track.id}/rating`,
        headers: { authorization: `Bearer ${admin.token}` },
        payload: { rating: 4.5 },
      });
      expect(response.statusCode).toBe(204);
    }
    const missing = await server.app.inject({ method: 'GET', url: '/api/no-such-route/12345' });
    expect(missing.statusCode).toBe(404);

    const after = await scrape();
    const count = 'spotlib_http_request_duration_seconds_count';
    expect(sample(after, count, rating) - sample(before, count, rating)).toBe(2);
    expect(sample(after, count, unmatched) - sample(before, count, unmatched)).toBe(1);
    // the bucket for +Inf holds every request; the sum is real time
    expect(
      sample(after, 'spotlib_http_request_duration_seconds_bucket', { ...rating, le: '+Inf' }),
    ).toBe(sample(after, count, rating));
    expect(sample(after, 'spotlib_http_request_duration_seconds_sum', rating)).toBeGreaterThan(0);
    expect(after).not.toContain(`/api/tracks/${tracks[0]!.id}/`);
    expect(after).not.toContain('no-such-route');
  });

  it('counts the plays actually inserted, by source, and not their duplicates', async () => {
    const lb = { source: 'listenbrainz' };
    const submit = () =>
      server.app.inject({
        method: 'POST',
        url: '/api/listenbrainz/1/submit-listens',
        headers: { authorization: `Token ${admin.token}` },
        payload: {
          listen_type: 'import',
          payload: [0, 1].map((hour) => ({
            listened_at: Math.floor(Date.UTC(2024, 4, 1, 12 + hour) / 1000),
            track_metadata: {
              artist_name: 'Sigur Rós',
              track_name: 'Hoppípolla',
              additional_info: { duration_ms: 268_000 },
            },
          })),
        },
      });
    const before = await scrape();
    expect((await submit()).json()).toMatchObject({ recorded: 2, duplicates: 0 });
    const afterFirst = await scrape();
    expect(sample(afterFirst, 'spotlib_plays_recorded_total', lb)).toBe(
      sample(before, 'spotlib_plays_recorded_total', lb) + 2,
    );
    expect((await submit()).json()).toMatchObject({ recorded: 0, duplicates: 2 });
    expect(sample(await scrape(), 'spotlib_plays_recorded_total', lb)).toBe(
      sample(afterFirst, 'spotlib_plays_recorded_total', lb),
    );

    // One batch of two sources: the account export's play is the export's first, a duplicate.
    const { track } = await newTrack(t.db);
    const ended = new Date(Date.UTC(2024, 5, 1, 8, 0, 30));
    const result = await server.app.get(PlayRecorder).record(admin.id, [
      { trackId: track.id, playedAt: ended, msPlayed: 200_000, source: 'spotify_export' },
      {
        trackId: track.id,
        playedAt: new Date(ended.getTime() + 3600_000),
        msPlayed: 200_000,
        source: 'spotify_export',
      },
      {
        trackId: track.id,
        playedAt: new Date(Date.UTC(2024, 5, 1, 8, 0)),
        msPlayed: 200_000,
        source: 'spotify_account_export',
      },
    ]);
    expect(result).toMatchObject({ inserted: 2, duplicates: 1 });
    const afterBatch = await scrape();
    expect(sample(afterBatch, 'spotlib_plays_recorded_total', { source: 'spotify_export' })).toBe(
      sample(afterFirst, 'spotlib_plays_recorded_total', { source: 'spotify_export' }) + 2,
    );
    expect(
      sample(afterBatch, 'spotlib_plays_recorded_total', { source: 'spotify_account_export' }),
    ).toBe(
      sample(afterFirst, 'spotlib_plays_recorded_total', { source: 'spotify_account_export' }),
    );
  });

  it('times every job run and counts the failed ones by job', async () => {
    const jobs = server.app.get(JobsService);
    jobs.define({ name: 'test.fine', handler: () => Promise.resolve() });
    jobs.define({ name: 'test.broken', handler: () => Promise.reject(new Error('disk full')) });
    await jobs.run('test.fine');
    await expect(jobs.run('test.broken')).rejects.toThrow('disk full');
    await expect(jobs.run('test.broken')).rejects.toThrow('disk full');

    const text = await scrape();
    const fine = { job_name: 'test.fine' };
    const broken = { job_name: 'test.broken' };
    expect(sample(text, 'spotlib_job_duration_seconds_count', fine)).toBe(1);
    expect(sample(text, 'spotlib_job_duration_seconds_count', broken)).toBe(2);
    expect(sample(text, 'spotlib_job_failures_total', broken)).toBe(2);
    // a job that has run has its failure series, at 0 until it fails
    expect(text).toMatch(/^spotlib_job_failures_total\{job_name="test\.fine"\} 0$/m);
  });

  it('counts failed Spotify syncs by operation and kind', async () => {
    const kind = { operation: 'poll_recent', kind: 'spotify_not_connected' };
    const before = sample(await scrape(), 'spotlib_sync_errors_total', kind);
    // a user who never connected Spotify: the poll fails before any request
    await expect(server.app.get(SyncService).pollRecent({ id: member.id })).rejects.toMatchObject({
      body: { error: 'spotify_not_connected' },
    });
    expect(sample(await scrape(), 'spotlib_sync_errors_total', kind)).toBe(before + 1);
  });

  it('starts without an HTTP server, as CLI commands run the application', async () => {
    const context = await NestFactory.createApplicationContext(
      AppModule.register(testConfig(t.database), t.database),
      { logger: false, abortOnError: false },
    );
    try {
      expect(context.get(AppMetrics)).toBeInstanceOf(AppMetrics);
    } finally {
      await context.close();
    }
  });
});
