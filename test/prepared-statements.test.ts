import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { TrackListRepository, type TrackPageQuery } from '../src/library/track-list.repository.js';
import { describeEachEngine } from './support/databases.js';
import { newUser, newUserTrack } from './support/factories.js';

const PAGE: TrackPageQuery = { sort: 'added', order: 'desc', limit: 2 };

describeEachEngine('prepared statements', (t) => {
  let userId: number;

  beforeAll(async () => {
    userId = (await newUser(t.db)).id;
    for (const name of ['Teardrop', 'Angel', 'Roads']) await newUserTrack(t.db, userId, { name });
  });

  it('marks the library page as opened, not a filtered one', () => {
    const repository = new TrackListRepository(t.db);
    expect(repository.pageQuery(userId, PAGE).compile().sql).toMatch(/\/\* prepared \*\/$/);
    const filtered = repository.pageQuery(userId, { ...PAGE, filters: { liked: true } });
    expect(filtered.compile().sql).not.toContain('prepared');
  });

  it('answers a marked statement as an unmarked one', async () => {
    const repository = new TrackListRepository(t.db);
    const marked = await repository.page(userId, PAGE);
    const unmarked = await repository.page(userId, { ...PAGE, filters: { played: false } });
    expect(marked.map((r) => r.name)).toEqual(['Roads', 'Angel']);
    expect(unmarked).toEqual(marked);
  });

  it.runIf(t.engine === 'postgres')(
    'sends it named on PostgreSQL, so the connection keeps its plan',
    async () => {
      await t.db.connection().execute(async (connection) => {
        const repository = new TrackListRepository(connection);
        for (let run = 0; run < 8; run++) await repository.page(userId, PAGE);
        await repository.page(userId, { ...PAGE, filters: { liked: false } });
        const { rows } = await sql<{ name: string; runs: number; generic_plans: number }>`
          SELECT name, (generic_plans + custom_plans)::int AS runs, generic_plans::int
          FROM pg_prepared_statements`.execute(connection);
        // the unfiltered page (run here eight times, maybe before on this connection); the
        // filtered one is not kept
        expect(rows).toEqual([
          {
            name: expect.stringMatching(/^spotlib_/),
            runs: expect.any(Number),
            generic_plans: expect.any(Number),
          },
        ]);
        expect(rows[0]!.runs).toBeGreaterThanOrEqual(8);
        // after five custom plans the server found the generic one as good: no more planning
        expect(rows[0]!.generic_plans).toBeGreaterThan(0);
      });
    },
  );
});
