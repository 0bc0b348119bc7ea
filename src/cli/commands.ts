import path from 'node:path';
import { z } from 'zod';
import { accountCommands } from './account-commands.js';
import { dbOpsCommands } from './db-ops-commands.js';
import { backupCommands } from './backup-commands.js';
import { PlayHistoryArchiver } from '../db/partitions.js';
import { BenchService } from '../bench/bench.service.js';
import { GeneratorService } from '../generator/generator.service.js';
import { ExportImportService } from '../imports/export-import.service.js';
import { SchemaService } from '../db/schema.service.js';
import { SmartPlaylistsService } from '../smart-playlists/smart-playlists.service.js';
import { PlaylistPushService } from '../spotify/push/playlist-push.service.js';
import { SyncService } from '../spotify/sync/sync.service.js';
import { RollupsRebuilder } from '../stats/rollups-rebuilder.service.js';
import { StatsAuditService } from '../stats/stats-audit.service.js';
import { defineCommand, type CliCommand } from './command.js';

/** `--scale` of generate and bench: a generated world's size. */
const scaleArg = z.enum(['S', 'M', 'L'], { error: '--scale must be S, M or L' }).default('S');

/** Every command the CLI knows, by name: "group.action", or one word for a top-level command. */
export const commands: Record<string, CliCommand> = {
  ...accountCommands,
  ...dbOpsCommands,
  ...backupCommands,
  'db.migrate': defineCommand({
    description: 'Apply pending migrations and create missing history partitions',
    args: z.object({}),
    run: (ctx) => ctx.get(SchemaService).migrate(),
    render: (r) =>
      [
        r.applied.length ? `Applied ${r.applied.join(', ')}` : 'No pending migrations',
        `Created ${r.partitionsCreated} history partitions`,
        `Schema at ${r.current ?? '(empty)'}`,
      ].join('\n'),
  }),
  'db.status': defineCommand({
    description: 'Show applied and pending migrations',
    args: z.object({}),
    run: async (ctx) => {
      const migrations = await ctx.get(SchemaService).status();
      const pending = migrations.filter((m) => !m.appliedAt).map((m) => m.name);
      const current = migrations.filter((m) => m.appliedAt).at(-1)?.name ?? null;
      return { current, pending, migrations };
    },
    render: (r) =>
      [
        ...r.migrations.map(
          (m) =>
            `${m.appliedAt ? 'applied' : 'pending'}  ${m.name}${m.appliedAt ? `  ${new Date(m.appliedAt).toISOString()}` : ''}`,
        ),
        r.pending.length ? `${r.pending.length} pending` : 'Up to date',
      ].join('\n'),
  }),
  'stats.verify': defineCommand({
    description: 'Recount every aggregate and rollup from history and report drift (exit 1 on any)',
    args: z.object({}),
    run: (ctx) => ctx.get(StatsAuditService).verify(ctx.userId),
    render: (r) =>
      [
        ...r.items.map(
          (d) =>
            `${d.aggregate} user ${d.user_id} #${d.key}: stored [${d.stored}] expected [${d.expected}]`,
        ),
        `${r.checked} aggregate and rollup rows checked, ${r.drift} drifted`,
      ].join('\n'),
    failed: (r) => r.drift > 0,
  }),
  'stats.rebuild': defineCommand({
    description: 'Rewrite aggregates and rollups from history (all users, or --user)',
    options: [
      {
        name: 'stale',
        flags: '--stale',
        description: 'only what awaits a rebuild (after an upgrade or a time zone change)',
      },
    ],
    args: z.object({ stale: z.literal(true).optional() }),
    run: async (ctx, args) =>
      args.stale
        ? { users: await ctx.get(RollupsRebuilder).rebuildStale(), repaired: 0 }
        : ctx.get(StatsAuditService).rebuild(ctx.userId),
    render: (r) =>
      `Rebuilt the aggregates and rollups of ${r.users} users (${r.repaired} rows had drifted)`,
  }),
  'smart.refresh': defineCommand({
    description:
      "Refresh the user's smart playlists now (they also refresh hourly and after imports)",
    args: z.object({}),
    run: async (ctx) => ({
      refreshed: await ctx.get(SmartPlaylistsService).refreshAll((await ctx.user()).id),
    }),
    render: (r) => `Refreshed ${r.refreshed} smart playlists`,
  }),
  'history.archive': defineCommand({
    description: 'Move months older than HISTORY_HOT_MONTHS to the archive (also runs daily)',
    args: z.object({}),
    run: (ctx) => ctx.get(PlayHistoryArchiver).archive(),
    render: (r) =>
      [
        r.resumed.length ? `Finished interrupted moves: ${r.resumed.join(', ')}` : '',
        r.moved.length ? `Archived ${r.moved.join(', ')}` : 'Nothing to archive',
      ]
        .filter(Boolean)
        .join('\n'),
  }),
  import: defineCommand({
    description: "Import Spotify's data export: its .zip, folders or JSON files",
    argument: {
      name: 'paths',
      syntax: '<paths...>',
      description: 'the export .zip, folders or files',
      paths: true,
    },
    args: z.object({ paths: z.array(z.string().min(1)).min(1) }),
    run: async (ctx, args) =>
      ctx.get(ExportImportService).importPaths(await ctx.user(), args.paths, {
        onProgress: (p) => ctx.progress(p.bytesRead, p.bytesTotal),
      }),
    render: (r) =>
      [
        ...r.errors.map((e) => `error: ${e.file}: ${e.message}`),
        `${r.files} files, ${r.rowsRead} rows read in ${r.seconds} s`,
        ...(r.filesAlreadyImported
          ? [
              `${r.filesAlreadyImported} files imported before, known by their content: not read again`,
            ]
          : []),
        `${r.playsInserted} plays recorded, ${r.duplicatesSkipped} already known, ${r.belowThreshold} below the play threshold (skips)`,
        `${r.nonMusic} podcast/video rows skipped, ${r.invalidRows} invalid rows, ${r.libraryTracks} saved tracks`,
        `${r.unresolvedTracks} tracks known by name only (no Spotify id yet)`,
      ].join('\n'),
    failed: (r) => r.errors.length > 0,
  }),
  sync: defineCommand({
    description:
      'Sync with Spotify: liked songs, recent plays, artist details, ids for imported tracks',
    options: [
      {
        name: 'full',
        flags: '--full',
        description: 'read the whole library, un-liking what left it',
      },
      {
        name: 'incremental',
        flags: '--incremental',
        description: 'stop at the first page already known (default after the first sync)',
      },
    ],
    args: z
      .object({ full: z.literal(true).optional(), incremental: z.literal(true).optional() })
      .refine((a) => !(a.full && a.incremental), 'give --full or --incremental, not both'),
    run: async (ctx, args) =>
      ctx
        .get(SyncService)
        .sync(
          await ctx.user(),
          { mode: args.full ? 'full' : args.incremental ? 'incremental' : undefined },
          (done, total) => ctx.progress(done, total),
        ),
    render: (r) =>
      [
        `${r.savedTracks} liked tracks (${r.newTracks} new to the library${r.unliked ? `, ${r.unliked} un-liked` : ''}), ${r.mode} sync`,
        `${r.plays} recent plays recorded, ${r.artists} artists described, ${r.resolved} imported tracks matched`,
        `in ${r.seconds} s`,
      ].join('\n'),
  }),
  'playlist.push': defineCommand({
    description:
      'Create or update a playlist on Spotify (its tracks without a Spotify id are left out)',
    argument: { name: 'id', syntax: '<id>', description: 'the playlist id' },
    options: [
      { name: 'smart', flags: '--smart', description: 'the id is a smart playlist' },
      { name: 'force', flags: '--force', description: 'overwrite changes made on Spotify' },
    ],
    args: z.object({
      id: z.coerce
        .number({ error: 'the playlist id must be a number' })
        .int('the playlist id must be a whole number')
        .positive('the playlist id must be positive'),
      smart: z.literal(true).optional(),
      force: z.literal(true).optional(),
    }),
    run: async (ctx, args) =>
      ctx
        .get(PlaylistPushService)
        .push(await ctx.user(), args.smart ? 'smart' : 'playlist', args.id, args.force ?? false),
    render: (r) =>
      [
        `${r.created ? 'Created' : 'Updated'} Spotify playlist ${r.spotifyPlaylistId} with ${r.tracks} tracks`,
        ...(r.withoutSpotifyId
          ? [
              `${r.withoutSpotifyId} tracks have no Spotify id and were left out: ${r.missing.map((m) => m.name).join(', ')}`,
            ]
          : []),
      ].join('\n'),
  }),
  generate: defineCommand({
    description: 'Fill the database with a deterministic synthetic world (demo and benchmark data)',
    options: [
      { name: 'scale', flags: '--scale <scale>', description: 'S, M or L (default S)' },
      {
        name: 'seed',
        flags: '--seed <n>',
        description: 'the same seed gives the same world (default 1)',
      },
    ],
    args: z.object({
      scale: scaleArg,
      seed: z.coerce
        .number({ error: '--seed must be a number' })
        .int('--seed must be a whole number')
        .min(0, '--seed must be 0 or more')
        .default(1),
    }),
    run: (ctx, args) =>
      ctx.get(GeneratorService).generate({
        ...args,
        userId: ctx.userId,
        onProgress: (done, total) => ctx.progress(done, total),
      }),
    render: (r) =>
      [
        `Scale ${r.scale} (seed ${r.seed}): ${r.users.length} users, ${r.catalogTracks} catalog tracks`,
        `${r.libraryTracks} library tracks, ${r.playsInserted} plays recorded in ${r.seconds} s`,
      ].join('\n'),
  }),
  bench: defineCommand({
    description:
      'Run the benchmark scenarios on generated data; writes bench/results/<engine>-<scale>-<date>.json',
    options: [
      {
        name: 'scale',
        flags: '--scale <scale>',
        description: 'the scale the data was generated at (default S)',
      },
      { name: 'time', flags: '--time <ms>', description: 'measuring time per task (default 1000)' },
      { name: 'runs', flags: '--runs <n>', description: 'runs per task at least (default 5)' },
      {
        name: 'http',
        flags: '--http <url>',
        description: 'a running server: also measure the track list through HTTP',
      },
      {
        name: 'out',
        flags: '--out <dir>',
        description: 'where result files go (default bench/results)',
      },
    ],
    args: z.object({
      scale: scaleArg,
      time: z.coerce
        .number({ error: '--time must be a number of milliseconds' })
        .int()
        .min(10, '--time must be at least 10 ms')
        .max(600_000)
        .default(1000),
      http: z.url({ error: '--http must be the URL of a running server' }).optional(),
      runs: z.coerce
        .number({ error: '--runs must be a number' })
        .int()
        .min(1, '--runs must be at least 1')
        .default(5),
      out: z.string().min(1).default('bench/results'),
    }),
    run: (ctx, args) =>
      ctx.get(BenchService).run({
        scale: args.scale,
        timeMs: args.time,
        minRuns: args.runs,
        httpUrl: args.http?.replace(/\/$/, ''),
        resultsDir: path.resolve(args.out),
      }),
    render: (r) =>
      [
        ...r.scenarios.map(
          (s) =>
            `${s.name}: p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms` +
            (s.baseline
              ? ` | ${s.baseline.name}: p50 ${s.baseline.p50Ms} ms | ratio ${s.ratio}`
              : ''),
        ),
        `Written to ${r.file}`,
      ].join('\n'),
  }),
};

export function findCommand(name: string): CliCommand | undefined {
  return Object.hasOwn(commands, name) ? commands[name] : undefined;
}
