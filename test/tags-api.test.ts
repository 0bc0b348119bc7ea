import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { newUser, newUserTrack } from './support/factories.js';

describeEachEngine('tags API', (t) => {
  const server = useTestApp(t);
  let tracks: number[];
  let strangersTrack: number;
  let strangersTag: number;

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    server.app.inject({ method, url: `/api${url}`, ...(payload ? { payload } : {}) });
  const tagsOf = async (trackId: number) =>
    (
      await sql<{ tag_id: number }>`SELECT tag_id FROM track_tag WHERE user_track_id = ${trackId}
        ORDER BY tag_id`.execute(t.db)
    ).rows.map((r) => r.tag_id);

  beforeAll(async () => {
    const me = (await server.app.get(LocalUserService).get()).id;
    tracks = [];
    for (let i = 0; i < 3; i++) tracks.push((await newUserTrack(t.db, me)).id);
    const stranger = (await newUser(t.db)).id;
    strangersTrack = (await newUserTrack(t.db, stranger)).id;
    strangersTag = (
      await t.db
        .insertInto('tag')
        .values({ user_id: stranger, name: 'Theirs', name_key: 'theirs', sort_key: 'theirs' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });

  it('creates, lists, renames, recolours and deletes, names unique whatever their case', async () => {
    const created = await call('POST', '/tags', { name: ' Chill ', color: '#1E90FF' });
    expect(created.statusCode).toBe(201);
    const chill = created.json<{ id: number; name: string; color: string }>();
    expect(chill).toMatchObject({ name: 'Chill', color: '#1e90ff' });

    const twin = await call('POST', '/tags', { name: 'CHILL' });
    expect(twin.statusCode).toBe(409);
    expect(twin.json<{ message: string }>().message).toMatch(/already have a tag named "CHILL"/);

    const focus = (await call('POST', '/tags', { name: 'Focus' })).json<{ id: number }>();
    expect((await call('PATCH', `/tags/${focus.id}`, { name: 'chill' })).statusCode).toBe(409);
    const renamed = await call('PATCH', `/tags/${chill.id}`, { name: 'Chillout', color: null });
    expect(renamed.json()).toEqual({ id: chill.id, name: 'Chillout', color: null });
    // renaming to its own name in another case is no clash
    expect((await call('PATCH', `/tags/${chill.id}`, { name: 'CHILLOUT' })).statusCode).toBe(200);

    const list = (await call('GET', '/tags')).json<{ items: { name: string }[] }>();
    expect(list.items.map((i) => i.name)).toEqual(['CHILLOUT', 'Focus']);

    expect((await call('DELETE', `/tags/${focus.id}`)).statusCode).toBe(204);
    expect((await call('DELETE', `/tags/${focus.id}`)).statusCode).toBe(404);
  });

  it('gives one of two concurrent renames to the same name a 409, never a 500', async () => {
    const ids = [];
    for (const name of ['Race A', 'Race B']) {
      ids.push((await call('POST', '/tags', { name })).json<{ id: number }>().id);
    }
    const answers = await Promise.all(
      ids.map((id) => call('PATCH', `/tags/${id}`, { name: 'Race winner' })),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
  });

  it('adds and removes tags on many tracks in one request, with counts', async () => {
    const a = (await call('POST', '/tags', { name: 'A' })).json<{ id: number }>().id;
    const b = (await call('POST', '/tags', { name: 'B' })).json<{ id: number }>().id;
    const first = await call('POST', '/tracks/tags', { trackIds: tracks, add: [a, b] });
    expect(first.json()).toEqual({ added: 6, removed: 0 });
    expect(await tagsOf(tracks[0]!)).toEqual([a, b]);
    const again = await call('POST', '/tracks/tags', { trackIds: tracks, add: [a], remove: [b] });
    expect(again.json()).toEqual({ added: 0, removed: 3 });
    expect(await tagsOf(tracks[2]!)).toEqual([a]);
    const listed = (await call('GET', '/tags')).json<{
      items: { id: number; trackCount: number }[];
    }>();
    expect(listed.items.find((i) => i.id === a)?.trackCount).toBe(3);
  });

  it("refuses another user's tags and tracks, and bad input, changing nothing", async () => {
    const mine = (await call('POST', '/tags', { name: 'Mine' })).json<{ id: number }>().id;
    const before = await tagsOf(tracks[0]!);
    const theirTag = await call('POST', '/tracks/tags', {
      trackIds: [tracks[0]],
      add: [strangersTag],
    });
    expect(theirTag.statusCode).toBe(404);
    const theirTrack = await call('POST', '/tracks/tags', {
      trackIds: [tracks[0], strangersTrack],
      add: [mine],
    });
    expect(theirTrack.statusCode).toBe(404);
    expect(theirTrack.json<{ message: string }>().message).toContain(String(strangersTrack));
    expect(await tagsOf(tracks[0]!)).toEqual(before);
    expect(await tagsOf(strangersTrack)).toEqual([]);
    expect((await call('PATCH', `/tags/${strangersTag}`, { name: 'Hijacked' })).statusCode).toBe(
      404,
    );
    expect((await call('DELETE', `/tags/${strangersTag}`)).statusCode).toBe(404);

    for (const [body, message] of [
      [{ name: '   ' }, /blank/],
      [{ name: 'x'.repeat(101) }, /at most 100/],
      [{ name: 'Red', color: 'red' }, /#rrggbb/],
      [{ name: 'Red', extra: 1 }, /extra/],
    ] as const) {
      const response = await call('POST', '/tags', body);
      expect(response.statusCode).toBe(400);
      expect(response.body).toMatch(message);
    }
    const empty = await call('POST', '/tracks/tags', { trackIds: [], add: [mine] });
    expect(empty.statusCode).toBe(400);
  });
});
