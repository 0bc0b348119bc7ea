import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import type { PlaylistEntryItem } from '../src/library/playlists.service.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { newUser, newUserTrack } from './support/factories.js';

describeEachEngine('playlists API', (t) => {
  const server = useTestApp(t);
  let tracks: number[];
  let strangersTrack: number;

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    server.app.inject({ method, url: `/api${url}`, ...(payload ? { payload } : {}) });
  const entriesOf = async (id: number, limit = 2) => {
    const all: PlaylistEntryItem[] = [];
    let cursor: string | null = null;
    do {
      const response = await call(
        'GET',
        `/playlists/${id}/tracks?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(response.statusCode).toBe(200);
      const page = response.json<{ items: PlaylistEntryItem[]; nextCursor: string | null }>();
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  };
  const order = async (id: number) => (await entriesOf(id)).map((e) => e.id);

  beforeAll(async () => {
    const me = (await server.app.get(LocalUserService).get()).id;
    tracks = [];
    for (let i = 0; i < 5; i++)
      tracks.push((await newUserTrack(t.db, me, { name: `Song ${i}` })).id);
    strangersTrack = (await newUserTrack(t.db, (await newUser(t.db)).id)).id;
  });

  it('creates, renames, lists and deletes playlists', async () => {
    const created = await call('POST', '/playlists', { name: 'Road trip', description: 'Summer' });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: number }>();
    expect((await call('PATCH', `/playlists/${id}`, { name: 'Road trip 2026' })).json()).toEqual({
      id,
      name: 'Road trip 2026',
      description: 'Summer',
    });
    await call('POST', `/playlists/${id}/tracks`, { trackIds: [tracks[0]] });
    const list = (await call('GET', '/playlists')).json<{
      items: { id: number; trackCount: number }[];
    }>();
    expect(list.items.find((p) => p.id === id)?.trackCount).toBe(1);
    expect((await call('DELETE', `/playlists/${id}`)).statusCode).toBe(204);
    expect((await call('GET', `/playlists/${id}/tracks`)).statusCode).toBe(404);
    // the track stays in the library
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM user_track
      WHERE id = ${tracks[0]!}`.execute(t.db);
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('adds at the end, after an entry and at the start, and moves by rewriting one row', async () => {
    const { id } = (await call('POST', '/playlists', { name: 'Order' })).json<{ id: number }>();
    const [a, b, c, d, e] = tracks as [number, number, number, number, number];
    expect((await call('POST', `/playlists/${id}/tracks`, { trackIds: [a, b, c] })).json()).toEqual(
      {
        added: 3,
      },
    );
    let entries = await entriesOf(id);
    expect(entries.map((x) => x.id)).toEqual([a, b, c]);
    expect(entries[0]).toMatchObject({ name: 'Song 0', artists: [expect.any(Object)], tags: [] });
    const [ea, eb] = entries.map((x) => x.entryId) as [number, number, number];

    await call('POST', `/playlists/${id}/tracks`, { trackIds: [d], after: ea });
    await call('POST', `/playlists/${id}/tracks`, { trackIds: [e], after: null });
    expect(await order(id)).toEqual([e, a, d, b, c]);

    entries = await entriesOf(id);
    const positions = async () =>
      (
        await sql<{ id: number; position: string }>`SELECT id, position FROM playlist_track
          WHERE playlist_id = ${id} ORDER BY id`.execute(t.db)
      ).rows;
    const before = await positions();
    const ec = entries.at(-1)!.entryId;
    expect((await call('PATCH', `/playlists/${id}/tracks/${ec}`, { after: ea })).statusCode).toBe(
      204,
    );
    expect(await order(id)).toEqual([e, a, c, d, b]);
    const after = await positions();
    expect(after.filter((row, i) => row.position !== before[i]!.position)).toEqual([
      expect.objectContaining({ id: ec }),
    ]);
    await call('PATCH', `/playlists/${id}/tracks/${ec}`, { after: null });
    expect(await order(id)).toEqual([c, e, a, d, b]);
    // moving after its own neighbour keeps the order whole
    await call('PATCH', `/playlists/${id}/tracks/${eb}`, { after: ea });
    expect(await order(id)).toEqual([c, e, a, b, d]);

    expect((await call('DELETE', `/playlists/${id}/tracks/${eb}`)).statusCode).toBe(204);
    expect(await order(id)).toEqual([c, e, a, d]);
    expect((await call('DELETE', `/playlists/${id}/tracks/${eb}`)).statusCode).toBe(404);
  });

  it("refuses another user's tracks and playlists, and bad input, changing nothing", async () => {
    const { id } = (await call('POST', '/playlists', { name: 'Mine' })).json<{ id: number }>();
    const theirs = await call('POST', `/playlists/${id}/tracks`, {
      trackIds: [tracks[0], strangersTrack],
    });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.body).toContain(String(strangersTrack));
    expect(await order(id)).toEqual([]);

    const stranger = (await newUser(t.db)).id;
    const foreign = (
      await t.db
        .insertInto('playlist')
        .values({ user_id: stranger, name: 'Theirs' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    for (const [method, url, body] of [
      ['GET', `/playlists/${foreign}/tracks`, undefined],
      ['PATCH', `/playlists/${foreign}`, { name: 'Hijacked' }],
      ['DELETE', `/playlists/${foreign}`, undefined],
      ['POST', `/playlists/${foreign}/tracks`, { trackIds: [tracks[0]] }],
    ] as const) {
      expect((await call(method, url, body)).statusCode, `${method} ${url}`).toBe(404);
    }
    for (const body of [{ name: '' }, { name: 'x'.repeat(201) }, { name: 'A', owner: 1 }]) {
      expect((await call('POST', '/playlists', body)).statusCode).toBe(400);
    }
    expect((await call('POST', `/playlists/${id}/tracks`, { trackIds: [] })).statusCode).toBe(400);
    const moved = await call('PATCH', `/playlists/${id}/tracks/1`, { after: 'first' });
    expect(moved.statusCode).toBe(400);
    expect(moved.body).toMatch(/after/);
    expect(
      (await call('POST', `/playlists/${id}/tracks`, { trackIds: [1], after: 999_999 })).statusCode,
    ).toBe(404);
  });
});
