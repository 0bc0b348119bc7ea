import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { DB } from '../src/db/schema.js';
import { describeEachEngine } from './support/databases.js';
import {
  findViolations,
  loadDistributionSchema,
  unexcused,
  type DistributionRule,
  type Violation,
} from './support/distribution-keys.js';

/**
 * DESIGN: every user-owned table leads with user_id, in its keys, indexes and
 * foreign keys to other user-owned tables, so the schema can be distributed
 * by user_id (Citus) when one server is not enough (docs/scaling.md). A new
 * table, key or index that breaks the rule fails here until it is fixed or
 * excused below with its reason.
 */

/**
 * Keys found before the user is known, so they cannot lead with user_id.
 * Their tables stay off the shards: coordinator-local tables in Citus
 * (docs/scaling.md, "Tables that are not distributed").
 */
const KEY_EXCEPTIONS = new Map([
  [
    'api_token_token_hash_key',
    'a Bearer token is the only thing a request carries: its hash finds the user',
  ],
  ['user_session_token_hash_key', 'a session cookie likewise: its hash finds the user'],
  [
    'spotify_account_spotify_user_key',
    '"sign in with Spotify" finds the Spotlib user from the Spotify user, and links each Spotify account to one user only',
  ],
]);

/**
 * Indexes (not keys) not led by user_id: those of the few queries that cross
 * users on purpose, and search's GIN, which has no column order. Legal in
 * Citus: each shard indexes its own rows (a cross-user query reads every
 * shard).
 */
const INDEX_EXCEPTIONS = new Map([
  [
    'user_track_track_idx',
    'the foreign key to track, and merging a catalog track into its twin finds every user who has it',
  ],
  [
    'user_artist_artist_idx',
    'the foreign key to artist: deleting an artist looks for its rows of every user',
  ],
  ['user_album_album_idx', 'the foreign key to album, likewise'],
  ['import_unfinished_idx', 'a starting server resumes the unfinished imports of every user'],
  ['user_session_expires_at_idx', 'the sweep of expired sessions, of every user at once'],
  [
    'user_track_search_idx',
    'trigram search: a GIN index has no leading column (a multi-column GIN still reads the postings of every user), so it is combined with the user_id key',
  ],
]);

const KEY_RULES: DistributionRule[] = ['key'];
const FOREIGN_KEY_RULES: DistributionRule[] = [
  'foreign key',
  'reference to user rows',
  'distribution column rewrite',
];

describeEachEngine('distribution keys', (t) => {
  const violationsOf = async (rules: DistributionRule[], excused = new Map<string, string>()) => {
    const schema = await loadDistributionSchema(t.db);
    const found = findViolations(schema).filter((v) => rules.includes(v.rule));
    return unexcused(found, schema, excused).map((v) => v.detail);
  };

  it('reads the user-owned tables, the partitions of play history among them', async () => {
    const { tables } = await loadDistributionSchema(t.db);
    const owned = tables.filter((table) => table.userOwned).map((table) => table.name);
    expect(owned).toEqual(
      expect.arrayContaining(['user_track', 'play_history', 'play_history_archive']),
    );
    const months = owned.filter((name) => /^play_history_\d{4}_\d{2}$/.test(name));
    expect(months.length).toBeGreaterThan(12);
    expect(owned).not.toContain('track');
    expect(owned).not.toContain('app_user');
  });

  it('leads every primary key and unique key with user_id, but for keys found before the user', async () => {
    expect(await violationsOf(KEY_RULES, KEY_EXCEPTIONS)).toEqual([]);
  });

  it('leads every foreign key between user rows with user_id on both sides', async () => {
    expect(await violationsOf(FOREIGN_KEY_RULES)).toEqual([]);
  });

  it('never lets user_id be NULL', async () => {
    expect(await violationsOf(['nullable user_id'])).toEqual([]);
  });

  it('leads every other index with user_id, but for the ones named here', async () => {
    expect(await violationsOf(['index'], INDEX_EXCEPTIONS)).toEqual([]);
  });

  it('excuses only rule breaks that still exist', async () => {
    const schema = await loadDistributionSchema(t.db);
    const names = (rule: DistributionRule) =>
      findViolations(schema)
        .filter((v) => v.rule === rule)
        .map((v) => v.name);
    expect(names('key')).toEqual(expect.arrayContaining([...KEY_EXCEPTIONS.keys()]));
    expect(names('index')).toEqual(expect.arrayContaining([...INDEX_EXCEPTIONS.keys()]));
  });

  it('fails on tables, partitions and references that break the rule', async () => {
    const found = await withinRolledBackTransaction(t.db, async (trx) => {
      await createRuleBreakingTables(trx);
      return findViolations(await loadDistributionSchema(trx));
    });
    expect(probes(found)).toEqual(
      [
        { rule: 'key', name: 'probe_owner_pkey' },
        { rule: 'nullable user_id', name: 'probe_item' },
        { rule: 'key', name: 'probe_item_key' },
        { rule: 'index', name: 'probe_item_owner_idx' },
        { rule: 'foreign key', name: 'probe_item_owner_fkey' },
        { rule: 'reference to user rows', name: 'probe_catalog_owner_fkey' },
        { rule: 'distribution column rewrite', name: 'probe_note_owner_fkey' },
        { rule: 'key', name: 'probe_partition_key' },
      ].sort(byName),
    );
  });
});

/** One of each way to break the rule (and a key on one month of play history). */
async function createRuleBreakingTables(db: Kysely<DB>): Promise<void> {
  const month = await firstHistoryPartition(db);
  for (const statement of [
    sql`CREATE TABLE probe_owner (user_id bigint NOT NULL, id bigint PRIMARY KEY,
      CONSTRAINT probe_owner_user_key UNIQUE (user_id, id))`,
    sql`CREATE TABLE probe_item (user_id bigint, id bigint, owner_id bigint,
      CONSTRAINT probe_item_key UNIQUE (id),
      CONSTRAINT probe_item_owner_fkey FOREIGN KEY (owner_id) REFERENCES probe_owner (id))`,
    sql`CREATE INDEX probe_item_owner_idx ON probe_item (owner_id)`,
    sql`CREATE TABLE probe_catalog (id bigint PRIMARY KEY, owner_id bigint,
      CONSTRAINT probe_catalog_owner_fkey FOREIGN KEY (owner_id) REFERENCES probe_owner (id))`,
    sql`CREATE TABLE probe_note (user_id bigint NOT NULL, owner_id bigint,
      CONSTRAINT probe_note_owner_fkey FOREIGN KEY (user_id, owner_id)
        REFERENCES probe_owner (user_id, id) ON DELETE SET NULL)`,
    sql`CREATE UNIQUE INDEX probe_partition_key ON ${sql.table(month)} (played_at, user_id)`,
  ]) {
    await statement.execute(db);
  }
}

async function firstHistoryPartition(db: Kysely<DB>): Promise<string> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'play_history'::regclass ORDER BY 1 LIMIT 1`.execute(db);
  return rows[0]!.name;
}

class RolledBack extends Error {}

/** Runs `work` in a transaction that is always rolled back: the probe tables never outlive it. */
async function withinRolledBackTransaction<T>(
  db: Kysely<DB>,
  work: (trx: Kysely<DB>) => Promise<T>,
): Promise<T> {
  let result: T | undefined;
  await expect(
    db.transaction().execute(async (trx) => {
      result = await work(trx);
      throw new RolledBack();
    }),
  ).rejects.toBeInstanceOf(RolledBack);
  return result!;
}

function probes(violations: Violation[]): { rule: DistributionRule; name: string }[] {
  return violations
    .filter((v) => v.name.startsWith('probe_'))
    .map(({ rule, name }) => ({ rule, name }))
    .sort(byName);
}

const byName = (a: { name: string; rule: string }, b: { name: string; rule: string }) =>
  a.name === b.name ? a.rule.localeCompare(b.rule) : a.name.localeCompare(b.name);
