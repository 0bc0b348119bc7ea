import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachEngine } from './support/databases.js';

describeEachEngine('a loop of database work', (t) => {
  it('lets the event loop turn, so a waiting request is read before the loop ends', async () => {
    // The server reads a request in a turn of the event loop; PGlite, in this
    // thread, answers through promises alone unless its dialect yields.
    let transactions = 0;
    let turnedAfter: number | undefined;
    let answeredAfter: number | undefined;
    setImmediate(() => {
      turnedAfter = transactions;
      // a request's statement, asked while the loop goes on
      void sql`SELECT 1`.execute(t.db).then(() => (answeredAfter = transactions));
    });
    const started = performance.now();
    while (performance.now() - started < 300) {
      await t.db.transaction().execute(async (trx) => {
        await sql`SELECT count(*) FROM app_user`.execute(trx);
      });
      transactions++;
    }
    expect(transactions).toBeGreaterThan(2);
    expect(turnedAfter).toBeDefined();
    expect(turnedAfter!).toBeLessThan(transactions);
    // and answered before the loop ends: on PGlite's one connection in its turn (first come,
    // first served); on PostgreSQL by another pooled connection, which may first be opened
    // for it, so there within the loop (a CI run saw a connect outlast two transactions)
    expect(answeredAfter!).toBeLessThan(transactions);
    if (t.engine === 'pglite') expect(answeredAfter! - turnedAfter!).toBeLessThanOrEqual(1);
  });
});
