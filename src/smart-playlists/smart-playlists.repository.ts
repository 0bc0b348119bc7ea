import { Injectable } from '@nestjs/common';
import { Kysely, sql, type Transaction } from 'kysely';
import { numberArray } from '../db/array-literal.js';
import type { DB } from '../db/schema.js';
import type { CompiledRules, Materialisation } from './rule-compiler.js';
import { toRowValues, toTree } from './rule-rows.js';
import { isGroup, type RuleNode, type SmartDefinition, type SmartLimit } from './rules.js';

export interface SmartPlaylistRow {
  id: number;
  name: string;
  description: string | null;
  match: 'all' | 'any';
  limit: SmartLimit | null;
  randomSeed: number;
  evaluatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** tracks in its last refresh */
  trackCount: number;
}

export interface StoredSmartPlaylist extends SmartPlaylistRow {
  rules: RuleNode[];
  /** the owner's time zone, which its dates are read in */
  zone: string;
}

/** A smart playlist's rule that reads another's last refresh: an edge of the reference graph. */
export interface SmartReference {
  from: number;
  to: number;
}

@Injectable()
export class SmartPlaylistsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async create(userId: number, definition: SmartDefinition): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const { id } = await tx
        .insertInto('smart_playlist')
        .values({ user_id: userId, ...columns(definition) })
        .returning('id')
        .executeTakeFirstOrThrow();
      await insertRules(tx, userId, id, definition.rules);
      return id;
    });
  }

  /** Replaces the definition (name, rules, limit); false when the user has no such playlist. */
  async replace(userId: number, id: number, definition: SmartDefinition): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable('smart_playlist')
        .set({ ...columns(definition), updated_at: sql`now()` })
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) return false;
      await tx
        .deleteFrom('smart_playlist_rule')
        .where('user_id', '=', userId)
        .where('smart_playlist_id', '=', id)
        .where('parent_id', 'is', null)
        .execute();
      await insertRules(tx, userId, id, definition.rules);
      return true;
    });
  }

  async remove(userId: number, id: number): Promise<boolean> {
    const deleted = await this.db
      .deleteFrom('smart_playlist')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return deleted.numDeletedRows > 0n;
  }

  async list(userId: number): Promise<SmartPlaylistRow[]> {
    const rows = await this.playlists(userId).orderBy('p.name').orderBy('p.id').execute();
    return rows.map(toPlaylist);
  }

  /** The playlist and its rules as one snapshot (a PUT between two reads cannot mix them). */
  async find(userId: number, id: number): Promise<StoredSmartPlaylist | undefined> {
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute((tx) => this.read(tx, userId, id, false));
  }

  private async read(
    db: Kysely<DB>,
    userId: number,
    id: number,
    lock: boolean,
  ): Promise<StoredSmartPlaylist | undefined> {
    const row = await this.playlists(userId, db)
      .innerJoin('user_settings as us', 'us.user_id', 'p.user_id')
      .select('us.time_zone')
      .where('p.id', '=', id)
      .$if(lock, (qb) => qb.forUpdate(['p']))
      .executeTakeFirst();
    if (!row) return undefined;
    const rules = await db
      .selectFrom('smart_playlist_rule')
      .select([
        'id',
        'parent_id',
        'position',
        'kind',
        'match',
        'field',
        'operator',
        'value_type',
        'value',
      ])
      .where('user_id', '=', userId)
      .where('smart_playlist_id', '=', id)
      .execute();
    return { ...toPlaylist(row), rules: toTree(rules), zone: row.time_zone };
  }

  /** The user's time zone (for a definition not saved yet). */
  async timeZone(userId: number): Promise<string> {
    const row = await this.db
      .selectFrom('user_settings')
      .select('time_zone')
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return row.time_zone;
  }

  /** Every IN_PLAYLIST rule of the user's smart playlists that names another smart playlist. */
  async references(userId: number): Promise<SmartReference[]> {
    const rows = await this.db
      .selectFrom('smart_playlist_rule')
      .select(['smart_playlist_id as from', sql<string>`value[2]`.as('to')])
      .where('user_id', '=', userId)
      .where('field', '=', 'IN_PLAYLIST')
      .where(sql<boolean>`value[1] = 'smart'`)
      .execute();
    return rows.map((r) => ({ from: r.from, to: Number(r.to) }));
  }

  /** Which of these ids are not the user's manual playlists, and which not their smart ones. */
  async missingPlaylists(userId: number, manual: number[], smart: number[]) {
    const { rows } = await sql<{ kind: 'manual' | 'smart'; id: number }>`
      SELECT 'manual' AS kind, n.id FROM unnest(${numberArray(manual)}::bigint[]) AS n(id)
      WHERE NOT EXISTS (SELECT 1 FROM playlist p WHERE p.user_id = ${userId} AND p.id = n.id)
      UNION ALL
      SELECT 'smart', n.id FROM unnest(${numberArray(smart)}::bigint[]) AS n(id)
      WHERE NOT EXISTS (SELECT 1 FROM smart_playlist p WHERE p.user_id = ${userId} AND p.id = n.id)`.execute(
      this.db,
    );
    return rows;
  }

  /** The ids of the user's tracks a selection holds, in no order. */
  async matchingIds(userId: number, selection: CompiledRules): Promise<number[]> {
    const { rows } = await sql<{ id: number }>`
      SELECT ut.id ${selected(userId, selection)}`.execute(this.db);
    return rows.map((r) => r.id);
  }

  /** How many tracks a selection holds and how long they last. */
  async count(userId: number, selection: CompiledRules) {
    const { rows } = await sql<{ count: number; duration_ms: number }>`
      SELECT count(*)::int AS count, coalesce(sum(ut.duration_ms), 0)::bigint AS duration_ms
      ${selected(userId, selection)}`.execute(this.db);
    return { count: rows[0]!.count, durationMs: rows[0]!.duration_ms };
  }

  /**
   * Writes the playlist's tracks as `select` chooses them from the definition,
   * in one transaction that holds the playlist's row: a refresh reads the
   * definition it writes for (a PUT in between waits), and two refreshes of
   * one playlist take turns. What push to Spotify and other playlists'
   * IN_PLAYLIST rules read. Positions follow the selection's order. Undefined
   * when the playlist is gone.
   */
  async materialise(
    userId: number,
    id: number,
    select: (playlist: StoredSmartPlaylist) => Materialisation,
  ): Promise<number | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const playlist = await this.read(tx, userId, id, true);
      if (!playlist) return undefined;
      const { selection, order, seed, evaluatedAt } = select(playlist);
      await tx
        .deleteFrom('smart_playlist_track')
        .where('user_id', '=', userId)
        .where('smart_playlist_id', '=', id)
        .execute();
      const inserted = await sql`
        INSERT INTO smart_playlist_track (user_id, smart_playlist_id, position, user_track_id)
        SELECT ${userId}, ${id}, (row_number() OVER (ORDER BY ${order}) - 1)::int, ut.id
        FROM user_track ut
        JOIN user_track_stats s ON s.user_id = ut.user_id AND s.user_track_id = ut.id
        WHERE ut.user_id = ${userId} AND ${selection.where}`.execute(tx);
      await tx
        .updateTable('smart_playlist')
        .set({ evaluated_at: evaluatedAt, random_seed: seed })
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .execute();
      return Number(inserted.numAffectedRows ?? 0);
    });
  }

  /** The user track ids of a playlist's last refresh, in order. */
  async materialisedIds(userId: number, id: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('smart_playlist_track')
      .select('user_track_id')
      .where('user_id', '=', userId)
      .where('smart_playlist_id', '=', id)
      .orderBy('position')
      .execute();
    return rows.map((r) => r.user_track_id);
  }

  /** Users with smart playlists, for the scheduled refresh. */
  async owners(): Promise<number[]> {
    const rows = await this.db.selectFrom('smart_playlist').select('user_id').distinct().execute();
    return rows.map((r) => r.user_id);
  }

  private playlists(userId: number, db: Kysely<DB> = this.db) {
    return db
      .selectFrom('smart_playlist as p')
      .select([
        'p.id',
        'p.name',
        'p.description',
        'p.match',
        'p.limit_count',
        'p.limit_unit',
        'p.limit_order',
        'p.random_seed',
        'p.evaluated_at',
        'p.created_at',
        'p.updated_at',
        (eb) =>
          eb
            .selectFrom('smart_playlist_track as t')
            .select(sql<number>`count(*)::int`.as('n'))
            .whereRef('t.user_id', '=', 'p.user_id')
            .whereRef('t.smart_playlist_id', '=', 'p.id')
            .as('track_count'),
      ])
      .where('p.user_id', '=', userId);
  }
}

/** The user's tracks a selection holds, joined to their counters only when it reads them. */
function selected(userId: number, selection: CompiledRules) {
  return sql`FROM user_track ut
    ${selection.readsStats ? sql`JOIN user_track_stats s ON s.user_id = ut.user_id AND s.user_track_id = ut.id` : sql``}
    WHERE ut.user_id = ${userId} AND ${selection.where}`;
}

function columns(definition: SmartDefinition) {
  return {
    name: definition.name,
    description: definition.description ?? null,
    match: definition.match,
    limit_count: definition.limit?.count ?? null,
    limit_unit: definition.limit?.unit ?? null,
    limit_order: definition.limit?.selectBy ?? null,
  };
}

type PlaylistColumns = {
  id: number;
  name: string;
  description: string | null;
  match: 'all' | 'any';
  limit_count: number | null;
  limit_unit: 'tracks' | 'minutes' | null;
  limit_order: SmartLimit['selectBy'] | null;
  random_seed: number;
  evaluated_at: Date | null;
  created_at: Date;
  updated_at: Date;
  track_count: number | null;
};

function toPlaylist(row: PlaylistColumns): SmartPlaylistRow {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    match: row.match,
    limit:
      row.limit_count === null
        ? null
        : { count: row.limit_count, unit: row.limit_unit!, selectBy: row.limit_order! },
    randomSeed: row.random_seed,
    evaluatedAt: row.evaluated_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    trackCount: row.track_count ?? 0,
  };
}

/** The tree, level by level: one insert per depth, children keyed by their parent's new id. */
async function insertRules(
  tx: Transaction<DB>,
  userId: number,
  playlistId: number,
  rules: readonly RuleNode[],
): Promise<void> {
  type Pending = { node: RuleNode; position: number; parentId: number | null };
  let level: Pending[] = rules.map((node, position) => ({ node, position, parentId: null }));
  for (let depth = 1; level.length > 0; depth++) {
    const inserted = await tx
      .insertInto('smart_playlist_rule')
      .values(
        level.map(({ node, position, parentId }) => ({
          user_id: userId,
          smart_playlist_id: playlistId,
          parent_id: parentId,
          position,
          depth,
          ...toRowValues(node),
        })),
      )
      .returning(['id', 'parent_id', 'position'])
      .execute();
    const idOf = new Map(inserted.map((r) => [`${r.parent_id}:${r.position}`, r.id]));
    level = level.flatMap(({ node, position, parentId }) =>
      isGroup(node)
        ? node.rules.map((child, i) => ({
            node: child,
            position: i,
            parentId: idOf.get(`${parentId}:${position}`)!,
          }))
        : [],
    );
  }
}
