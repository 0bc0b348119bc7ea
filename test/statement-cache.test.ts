import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { StatementCache } from '../src/db/statement-cache.js';
import { TrackListRepository } from '../src/library/track-list.repository.js';
import { describeEachEngine } from './support/databases.js';
import { newUser, newUserTrack } from './support/factories.js';

describeEachEngine('statements compiled once', (t) => {
  it('runs each call with its own values, nested ones included', async () => {
    const cache = new StatementCache();
    const sum = (values: { a: number; list: number[]; name: string | null }) =>
      cache.execute(t.db, 'sum', values, (v) => {
        const [first, second] = v.list;
        return t.db.selectNoFrom([
          sql<number>`${v.a}::int + ${first}::int + ${second}::int`.as('total'),
          sql<string | null>`${v.name}::text`.as('name'),
        ]);
      });
    expect(await sum({ a: 1, list: [2, 3], name: 'x' })).toEqual([{ total: 6, name: 'x' }]);
    expect(await sum({ a: 10, list: [20, 30], name: null })).toEqual([{ total: 60, name: null }]);
  });

  it('refuses a builder that reads a value instead of binding it', async () => {
    const cache = new StatementCache();
    const chooses = (n: number) =>
      cache.execute(t.db, 'chooses', { n }, (v) =>
        t.db.selectNoFrom(sql<number>`${sql.lit(v.n > 0 ? 1 : 2)}`.as('one')),
      );
    await expect(chooses(1)).rejects.toThrow('Statement "chooses" does not bind value 0');
  });

  it('refuses values that do not fit the shape it was compiled for', async () => {
    const cache = new StatementCache();
    const first = (list: number[]) =>
      cache.execute(t.db, 'first', { list }, (v) =>
        t.db.selectNoFrom(sql<number>`${v.list[0]}::int`.as('n')),
      );
    expect(await first([7])).toEqual([{ n: 7 }]);
    await expect(first([7, 8])).rejects.toThrow('Statement "first" takes 1 values, given 2');
  });
});

describeEachEngine('the library page compiled once', (t) => {
  let alice: number;
  let bob: number;

  beforeAll(async () => {
    alice = (await newUser(t.db)).id;
    bob = (await newUser(t.db)).id;
    for (const name of ['Teardrop', 'Angel', 'Roads']) await newUserTrack(t.db, alice, { name });
    for (const name of ['Glory Box', 'Sour Times']) await newUserTrack(t.db, bob, { name });
  });

  it("gives each user their own tracks and pages after each cursor's position", async () => {
    const repository = new TrackListRepository(t.db);
    const page = (userId: number, after?: Parameters<typeof repository.page>[1]['after']) =>
      repository.page(userId, { sort: 'name', order: 'asc', limit: 2, after });
    const aliceFirst = await page(alice);
    expect(aliceFirst.map((r) => r.name)).toEqual(['Angel', 'Roads']);
    expect((await page(bob)).map((r) => r.name)).toEqual(['Glory Box', 'Sour Times']);
    expect((await page(alice, aliceFirst[0]!.position)).map((r) => r.name)).toEqual([
      'Roads',
      'Teardrop',
    ]);
    expect((await page(bob, aliceFirst[1]!.position)).map((r) => r.name)).toEqual(['Sour Times']);
  });
});
